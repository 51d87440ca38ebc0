#!/usr/bin/env python3
"""Hand one mail message from standard input to Tuki's ``POST /mail/inbound``; for the mail server's pipe.

    mailgate.py --url https://tuki.example.com/mail/inbound --token-file /etc/tuki/mail_gate_token

Only Python's standard library, and little of it: a plain HTTP/1.1 exchange over ``socket`` and ``ssl``, the
options read by hand (``http.client`` and ``argparse`` would take longer to import than the rest of the run). A
message costs some 30 ms of CPU, where ``manage.py mail_intake`` starts Django (0.9 s) for every one. Run it
with ``python3 -I -S`` (no site packages to look through). The exit status is what mail servers read
(sysexits.h): 0 when Tuki took the message (filed, refused, quarantined or a duplicate: all deliberate), 75
(EX_TEMPFAIL) when it did not, whatever the reason (Tuki away, the database restarting, a wrong token): the mail
server keeps the message and delivers it again later, so nothing is lost while the fault is fixed. Only a message
larger than the web server takes (413) is refused for good (65, EX_DATAERR), and the mail server bounces it.

``--url`` and ``--token-file`` may come from TUKI_MAIL_GATE_URL and TUKI_MAIL_GATE_TOKEN_FILE (or the token
itself from TUKI_MAIL_GATE_TOKEN); ``--cafile`` names the certificates to trust instead of the system's (a
self-signed one).
"""

from __future__ import annotations

import os
import socket
import ssl
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
TIMEOUT_SECONDS = 120  # the intake's parse limit is seconds; a large message also has to cross the network
OPTIONS = ("--url", "--token-file", "--cafile")
USAGE = "usage: mailgate.py --url URL [--token-file FILE] [--cafile FILE] < message"


def options(argv: Sequence[str]) -> dict[str, str]:
    """``--name value`` pairs, each name one of OPTIONS; ValueError names what is wrong."""
    if len(argv) % 2:
        raise ValueError(f"an option without its value in {' '.join(argv)!r}")
    found = dict(zip(argv[::2], argv[1::2], strict=True))
    unknown = set(found) - set(OPTIONS)
    if unknown:
        raise ValueError(f"unknown option {sorted(unknown)[0]}")
    return found


def token(path: str) -> str:
    path = path or os.environ.get("TUKI_MAIL_GATE_TOKEN_FILE", "")
    if not path:
        return os.environ.get("TUKI_MAIL_GATE_TOKEN", "").strip()
    with open(path, encoding="utf-8") as file:
        return file.read().strip()


def deliver(url: str, secret: str, raw: bytes, cafile: str | None) -> tuple[int, str]:
    """POST the message; the exit status and what to tell the mail server's log."""
    if "\r" in secret or "\n" in secret:
        return EX_TEMPFAIL, "the gate's token must be one line; the message is kept"
    address = urlsplit(url)
    https = address.scheme == "https"
    head = (
        f"POST {address.path or '/'} HTTP/1.1\r\nHost: {address.netloc}\r\nAuthorization: Bearer {secret}\r\n"
        f"Content-Type: message/rfc822\r\nContent-Length: {len(raw)}\r\nConnection: close\r\n\r\n"
    )
    try:
        with socket.create_connection(
            (address.hostname, address.port or (443 if https else 80)), TIMEOUT_SECONDS
        ) as plain:
            channel = (
                ssl.create_default_context(cafile=cafile).wrap_socket(plain, server_hostname=address.hostname)
                if https
                else plain
            )
            channel.sendall(head.encode("ascii") + raw)
            status_line = channel.makefile("rb").readline(200)
    except (OSError, ValueError) as error:  # refused, timed out, name or certificate trouble, a bad address
        return EX_TEMPFAIL, f"Tuki did not answer ({error!r}); deliver again later"
    parts = status_line.split()
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    if status == 200:
        return EX_OK, "taken"
    if status == 413:
        return EX_DATAERR, "refused: the message is larger than the web server accepts (413)"
    if status == 404:
        return EX_TEMPFAIL, "not taken (404): is the gate's token the same here and in Tuki's settings?"
    return EX_TEMPFAIL, f"not taken now ({status or status_line[:80]!r}); deliver again later"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        given = options(sys.argv[1:] if argv is None else argv)
    except ValueError as error:
        print(f"mailgate: {error}; the message is kept\n{USAGE}", file=sys.stderr)
        return EX_TEMPFAIL
    url = given.get("--url") or os.environ.get("TUKI_MAIL_GATE_URL", "")
    try:
        secret = token(given.get("--token-file", ""))
    except OSError as error:
        print(f"mailgate: cannot read the gate's token ({error}); the message is kept", file=sys.stderr)
        return EX_TEMPFAIL
    if not url.startswith(("http://", "https://")) or not secret:
        print(
            f"mailgate: give --url (http or https) and the gate's token; the message is kept\n{USAGE}", file=sys.stderr
        )
        return EX_TEMPFAIL
    status, said = deliver(url, secret, sys.stdin.buffer.read(), given.get("--cafile"))
    print(f"mailgate: {said}", file=sys.stderr)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # a fault of this program must not bounce the mail: the mail server keeps it
        print(f"mailgate: {error!r}; the message is kept", file=sys.stderr)
        sys.exit(EX_TEMPFAIL)
