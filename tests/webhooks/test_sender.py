"""The sender on its own: short timeouts, a capped answer, and TLS to the checked address under the host's name."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.webhooks.conftest import Receiver
from tuki.webhooks.addresses import Target, check_url
from tuki.webhooks.sender import MAX_RESPONSE_BYTES, post


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                accepted.append(listener.accept()[0])
        except OSError:
            pass

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for connection in accepted:
        connection.close()


def test_a_server_that_does_not_answer_is_given_up_on(silent_server: int) -> None:
    target = Target(scheme="http", host="127.0.0.1", port=silent_server, path="/", address="127.0.0.1")
    started = time.monotonic()
    outcome = post(target, b"{}", {}, total_timeout=0.5)
    assert outcome.status is None and outcome.error == "timeout" and not outcome.ok
    assert time.monotonic() - started < 2


def test_nothing_listening_is_a_failed_connection() -> None:
    with socket.create_server(("127.0.0.1", 0)) as reserved:
        port = reserved.getsockname()[1]
    outcome = post(Target("http", "127.0.0.1", port, "/", "127.0.0.1"), b"{}", {})
    assert outcome.status is None and outcome.error == "refused"


def test_only_the_start_of_a_long_answer_is_read(receiver: Receiver) -> None:
    receiver.answers = [500]
    outcome = post(check_url(receiver.url(), ["127.0.0.1"]), b"{}", {"webhook-id": "msg_1"})
    assert outcome.status == 500 and len(outcome.excerpt) == MAX_RESPONSE_BYTES
    assert receiver.received[0].headers["webhook-id"] == "msg_1"
    assert receiver.received[0].headers["Host"] == f"127.0.0.1:{receiver.port}"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_tls_names_the_host_and_checks_its_certificate(tmp_path: Path) -> None:
    """A connection to the checked address that still says (SNI) and verifies (certificate) the host name: a
    self-signed certificate is refused."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            str(shutil.which("openssl")),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,misc]
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        try:
            raw, _ = listener.accept()
            with context.wrap_socket(raw, server_side=True):
                pass
        except (OSError, ssl.SSLError):
            pass

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    target = check_url(f"https://localhost:{port}/hook", ["localhost"], resolver=lambda host, port: ["127.0.0.1"])
    outcome = post(target, b"{}", {})
    listener.close()
    assert outcome.status is None and outcome.error == "tls"
    assert names == ["localhost"]
