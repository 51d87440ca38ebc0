"""One POST of a webhook message to a checked address, with http.client.

It connects to the address :func:`tuki.webhooks.addresses.check_url` checked, never resolving the name again,
while the Host header and the TLS server name (SNI, and the certificate check) carry the host name. It follows no
redirect (a 3xx is a failure like any other non-2xx answer: following one could lead anywhere), gives up on
connecting after 3 seconds and on the whole exchange after 10, and reads at most a few KB of the answer.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from tuki.webhooks.addresses import Target

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4096
USER_AGENT = "Tuki-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None when no answer came
    duration_ms: int
    excerpt: str = ""  # the start of the answer's body, or what went wrong
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def post(
    target: Target,
    body: bytes,
    headers: dict[str, str],
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> Outcome:
    started = time.monotonic()
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout=connect_timeout)
    # A server that answers a byte at a time would keep each read under the socket timeout for ever: at the
    # deadline the socket is shut, which ends any read in progress.
    watchdog = threading.Timer(total_timeout, _shut, args=(connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        _remaining(connection, started, total_timeout)
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        _remaining(connection, started, total_timeout)
        response = connection.getresponse()
        excerpt = _read_some(response, connection, started, total_timeout, max_bytes)
        return Outcome(status=response.status, duration_ms=_elapsed(started), excerpt=excerpt)
    except (OSError, http.client.HTTPException, ValueError) as error:
        late = time.monotonic() - started >= total_timeout
        return Outcome(status=None, duration_ms=_elapsed(started), error="timeout" if late else _describe(error))
    finally:
        watchdog.cancel()
        connection.close()


def _read_some(
    response: http.client.HTTPResponse, connection: http.client.HTTPConnection, started: float, total: float, limit: int
) -> str:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        _remaining(connection, started, total)
        chunk = response.read1(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace")


def _remaining(connection: http.client.HTTPConnection, started: float, total: float) -> None:
    left = total - (time.monotonic() - started)
    if left <= 0:
        raise TimeoutError("timeout")
    if connection.sock is not None:
        connection.sock.settimeout(left)


def _shut(connection: http.client.HTTPConnection) -> None:
    try:
        if connection.sock is not None:
            connection.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _elapsed(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(error, ssl.SSLError):
        return "tls"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    return "connection"
