#!/usr/bin/env python3
"""Hand one mail message from standard input to Tuki's ``POST /mail/inbound``; for the mail server's pipe.

    mailgate.py --url https://tuki.example.com/mail/inbound --token-file /etc/tuki/mail_gate_token

Only Python's standard library: the program starts in a few hundredths of a second, where ``manage.py
mail_intake`` starts Django (0.9 s of CPU) for every message. The exit status is what mail servers read
(sysexits.h): 0 when Tuki took the message (filed, refused, quarantined or a duplicate: all deliberate), 75
(EX_TEMPFAIL) when it did not, whatever the reason (Tuki away, the database restarting, a wrong token): the mail
server keeps the message and delivers it again later, so nothing is lost while the fault is fixed. Only a message
larger than the web server takes (413) is refused for good (65, EX_DATAERR), and the mail server bounces it.

``--url`` and ``--token-file`` may come from TUKI_MAIL_GATE_URL and TUKI_MAIL_GATE_TOKEN_FILE (or the token
itself from TUKI_MAIL_GATE_TOKEN); ``--cafile`` names a certificate to trust besides the system's (a
self-signed one).
"""

from __future__ import annotations

import argparse
import http.client
import os
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
TIMEOUT_SECONDS = 120  # the intake's parse limit is seconds; a large message also has to cross the network


def token(arguments: argparse.Namespace) -> str:
    path = arguments.token_file or os.environ.get("TUKI_MAIL_GATE_TOKEN_FILE", "")
    return Path(path).read_text().strip() if path else os.environ.get("TUKI_MAIL_GATE_TOKEN", "").strip()


def deliver(url: str, secret: str, raw: bytes, cafile: str | None) -> tuple[int, str]:
    """POST the message; the exit status and what to tell the mail server's log."""
    address = urlsplit(url)
    if address.scheme == "https":
        context = ssl.create_default_context(cafile=cafile)
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            address.netloc, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        connection = http.client.HTTPConnection(address.netloc, timeout=TIMEOUT_SECONDS)
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "message/rfc822"}
    try:
        connection.request("POST", address.path or "/", body=raw, headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:  # refused, timed out, name or certificate trouble
        return EX_TEMPFAIL, f"Tuki did not answer ({error!r}); deliver again later"
    except ValueError:  # http.client refuses a header with a line break: a token file of several lines
        return EX_TEMPFAIL, "the gate's token must be one line; the message is kept"
    finally:
        connection.close()
    if status == 200:
        return EX_OK, "taken"
    if status == 413:
        return EX_DATAERR, "refused: the message is larger than the web server accepts (413)"
    if status == 404:
        return EX_TEMPFAIL, "not taken (404): is the gate's token the same here and in Tuki's settings?"
    return EX_TEMPFAIL, f"not taken now ({status}); deliver again later"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TUKI_MAIL_GATE_URL", ""), help="Tuki's /mail/inbound")
    parser.add_argument("--token-file", default="", help="a file holding TUKI_MAIL_GATE_TOKEN")
    parser.add_argument("--cafile", default=None, help="a certificate to trust besides the system's")
    arguments = parser.parse_args(argv)
    try:
        secret = token(arguments)
    except OSError as error:
        print(f"mailgate: cannot read the gate's token ({error}); the message is kept", file=sys.stderr)
        return EX_TEMPFAIL
    if not arguments.url.startswith(("http://", "https://")) or not secret:
        print("mailgate: give --url (http or https) and the gate's token; the message is kept", file=sys.stderr)
        return EX_TEMPFAIL
    status, said = deliver(arguments.url, secret, sys.stdin.buffer.read(), arguments.cafile)
    print(f"mailgate: {said}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
