"""Mail for the intake tests, built with the standard library the way mail clients and robots send it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

# Real file contents: attachments are checked by what they are, not by their names.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200

_numbers = itertools.count(1)

# The receiving server the mail tests trust (tests/mail/conftest.py configures it), as a production one would
# be: it checked DKIM and DMARC and wrote its Authentication-Results on top of each message.
TRUSTED_SERVER = "mx.tuki.test"


def trusted_results(sender: str, result: str = "pass") -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2]
    return f"{TRUSTED_SERVER}; dkim={result} header.d={domain}; dmarc={result} header.from={domain}"


def mail(
    *,
    sender: str = "anna@org-a.example",
    subject: str = "Tulostin ei tulosta",
    text: str | None = "Hei, tulostin ei tulosta mitään.",
    html: str | None = None,
    message_id: str | None = "auto",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    inline: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    to: str = "tuki@example.com",
    authenticated: bool = True,
) -> bytes:
    """A message; ``authenticated`` puts the trusted server's passing Authentication-Results on top."""
    message = EmailMessage()
    if authenticated:
        message["Authentication-Results"] = trusted_results(sender)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    if message_id == "auto":
        message_id = f"<test-{next(_numbers)}-{id(message)}@mail.example>"
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, content_type, data in inline:  # images that the HTML shows (needs html)
        maintype, subtype = content_type.split("/")
        body = message.get_body(("html",))
        assert body is not None
        body.add_related(data, maintype=maintype, subtype=subtype, filename=name, cid=f"<{name}>", disposition="inline")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)
