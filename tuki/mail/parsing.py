"""An inbound mail as plain data: decoded headers, addresses, the text, safe HTML and the attachments.

Parsing never raises for bad mail (broken charsets, transfer encodings or MIME structure): what cannot be
read is noted in ``defects`` for the agents and the rest is kept. It only raises ParseTimeout, when a
mail takes longer than ``max_seconds``; the part count and the nesting depth are capped as well.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.generator import BytesGenerator
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser
from io import BytesIO

from tuki.mail.decoding import (
    address,
    addresses,
    clean_text,
    decode_bytes,
    header_date,
    header_text,
    message_ids,
    unflow,
    unsurrogate,
    uudecode,
)
from tuki.mail.htmltext import html_to_text, safe_html
from tuki.mail.quotes import strip_quotes

MAX_PARTS = 500
MAX_DEPTH = 30
MAX_DEFECTS = 50
MAX_HEADER_PARSE = 2048
MAX_PARAMETERS = 40
NAME_LIMIT = 200

_BODY_TYPES = {"text/plain", "text/html"}
_UUENCODE = {"x-uuencode", "uuencode", "uue", "x-uue"}


_REGISTRY = HeaderRegistry()


@functools.lru_cache(maxsize=1024)
def _parsed_header(name: str, value: str) -> BaseHeader:
    """The stdlib parses MIME headers (Content-Type and the like) slowly, parameter by parameter, and again at
    every look-up. Real ones are short: only the first MAX_HEADER_PARSE characters and MAX_PARAMETERS
    parameters count, and each value is parsed once. (Addresses, subjects and the rest are read from the
    raw header text by this module, never through here.)"""
    value, cut = value[:MAX_HEADER_PARSE], -1
    for _ in range(MAX_PARAMETERS):
        cut = value.find(";", cut + 1)
        if cut == -1:
            return _REGISTRY(name, value)
    return _REGISTRY(name, value[:cut])


_POLICY = policy.default.clone(header_factory=_parsed_header)


class ParseTimeout(Exception):
    """The mail took longer than the allowed time to parse."""


@dataclass(frozen=True)
class ParsedAttachment:
    name: str  # safe: no path parts or control characters, at most NAME_LIMIT; "attachment-N.bin" when unnamed
    content_type: str  # as declared; never trust it, sniff the data
    data: bytes
    inline: bool  # an inline image (Content-Disposition inline or a Content-ID), kept as an attachment too


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str  # "<...>", or "" when missing
    fingerprint: str  # sha256 hex of the raw mail (line ends made LF), for mail without a Message-ID
    in_reply_to: list[str]
    references: list[str]
    subject: str  # decoded, one line
    from_address: str  # lower-cased addr-spec, or ""
    from_name: str
    reply_to: str
    to: list[str]
    cc: list[str]
    date: datetime | None  # aware
    text: str  # the new text only: quoted history and signature taken off (see tuki.mail.quotes)
    full_text: str  # the whole text: the plain text part, else the HTML part as text
    html: str  # sanitised with nh3, or ""
    attachments: list[ParsedAttachment]
    headers: dict[str, str]  # lower-cased name -> decoded one-line value, first occurrence
    defects: list[str]  # what could not be read, for the agents


@dataclass
class _Bodies:
    """Body parts in mail order: (is_html, content) for the text, and the HTML parts."""

    texts: list[tuple[bool, str]] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    plain: bool = False


def subject_identifier(subject: str, prefix: str) -> int | None:
    """The request number in a subject such as "Re: [SR-1042] Login fails", or None."""
    if not prefix:
        return None
    match = re.search(rf"\[\s*{re.escape(prefix)}-0*(\d{{1,18}})\s*\]", subject, re.IGNORECASE)
    return int(match[1]) if match else None


def safe_name(name: str | None, index: int, extension: str = "bin") -> str:
    """A file name without path parts or control characters, at most NAME_LIMIT characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".").strip()
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 16 else ""
        name = (stem if ext else name)[: NAME_LIMIT - len(ext) - 1].rstrip() + ("." + ext if ext else "")
    return name or f"attachment-{index}.{extension}"


def _children(part: EmailMessage) -> list[EmailMessage]:
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, EmailMessage)] if isinstance(payload, list) else []


def _raw_header(message: EmailMessage, name: str) -> str:
    return next((str(value) for key, value in message.raw_items() if key.lower() == name), "")


def _message_bytes(message: EmailMessage) -> bytes:
    """An attached mail as bytes, its header lines as they came."""
    buffer = BytesIO()
    generator_policy = policy.default.clone(refold_source="none", linesep="\n")
    BytesGenerator(buffer, mangle_from_=False, policy=generator_policy).flatten(message)
    return buffer.getvalue()


class _Reader:
    """Walks the MIME tree once, within the time and part budget, collecting bodies and attachments."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.parts = 0
        self.attachments: list[ParsedAttachment] = []
        self.defects: list[str] = []

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ParseTimeout("parsing the mail took too long")

    def note(self, defect: str) -> None:
        if defect not in self.defects and len(self.defects) < MAX_DEFECTS:
            self.defects.append(defect)

    def walk(self, part: EmailMessage, depth: int, out: _Bodies) -> None:
        self.check()
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.note(f"more than {MAX_PARTS} MIME parts: the rest were not read")
            return
        if depth > MAX_DEPTH:
            self.note(f"MIME parts nested deeper than {MAX_DEPTH}: the deeper ones were not read")
            return
        try:
            for defect in part.defects:
                self.note(type(defect).__name__)
            content_type = part.get_content_type()
            if part.get_content_maintype() == "message":
                self.message_part(part, content_type)
            elif part.is_multipart() and content_type == "multipart/alternative":
                self.alternative(part, depth, out)
            elif part.is_multipart():
                for child in _children(part):
                    self.walk(child, depth + 1, out)
            else:
                self.leaf(part, content_type, out)
        except ParseTimeout:
            raise
        except Exception as error:  # one unreadable part must not lose the whole mail
            self.note(f"unreadable MIME part: {type(error).__name__}")

    def alternative(self, part: EmailMessage, depth: int, out: _Bodies) -> None:
        """Plain text preferred for the text; the richest HTML version for the HTML."""
        versions = []
        for child in _children(part):
            version = _Bodies()
            self.walk(child, depth + 1, version)
            versions.append(version)
        for_text = next((v for v in versions if v.plain), None) or next((v for v in versions[::-1] if v.texts), None)
        for_html = next((v for v in versions[::-1] if v.htmls), None)
        if for_text is not None:
            out.texts += for_text.texts
            out.plain = out.plain or for_text.plain
        if for_html is not None:
            out.htmls += for_html.htmls

    def leaf(self, part: EmailMessage, content_type: str, out: _Bodies) -> None:
        if str(part.get("content-transfer-encoding", "")).strip().lower() in _UUENCODE:
            data = uudecode(str(part.get_payload()))
        else:
            decoded = part.get_payload(decode=True)
            data = decoded if isinstance(decoded, bytes) else b""
        disposition = part.get_content_disposition()
        filename = self.filename(part)
        maintype = content_type.partition("/")[0]
        if maintype == "multipart" or (content_type in _BODY_TYPES and disposition != "attachment" and not filename):
            if maintype == "multipart":
                self.note("multipart without readable parts: read as plain text")
            text, defect = decode_bytes(data, part.get_content_charset())
            if defect:
                self.note(defect)
            if content_type == "text/html":
                out.texts.append((True, text))
                out.htmls.append(text)
            else:
                flowed = str(part.get_param("format", "")).lower() == "flowed"
                delsp = str(part.get_param("delsp", "")).lower() == "yes"
                out.texts.append((False, unflow(clean_text(text), delsp=delsp) if flowed else clean_text(text)))
                out.plain = True
            return
        has_id = any(key.lower() == "content-id" for key in part.keys())
        inline = maintype == "image" and (disposition == "inline" or has_id)
        name = safe_name(unsurrogate(filename or ""), len(self.attachments) + 1)
        self.attachments.append(ParsedAttachment(name=name, content_type=content_type, data=data, inline=inline))

    def message_part(self, part: EmailMessage, content_type: str) -> None:
        """An attached mail (or a delivery report's status block) is kept as an attachment, not read."""
        if isinstance(part.get_payload(), list):
            inners = _children(part)
            data = b"".join(_message_bytes(inner) for inner in inners)
            subject = header_text(_raw_header(inners[0], "subject")) if inners else ""
        else:
            decoded = part.get_payload(decode=True)
            data, subject = (decoded if isinstance(decoded, bytes) else b""), ""
        index = len(self.attachments) + 1
        rfc822 = content_type == "message/rfc822"
        filename = self.filename(part) or (f"{subject}.eml" if subject and rfc822 else "")
        name = safe_name(filename, index, "eml" if rfc822 else "txt")
        self.attachments.append(ParsedAttachment(name=name, content_type=content_type, data=data, inline=False))

    def filename(self, part: EmailMessage) -> str:
        try:
            return unsurrogate(part.get_filename() or "")
        except Exception:  # a broken parameter costs the name only, not the attachment
            self.note("unreadable attachment name")
            return ""


def _parse_tree(raw: bytes, reader: _Reader) -> EmailMessage:
    parser = BytesParser(policy=_POLICY)
    try:
        return parser.parsebytes(raw)
    except RecursionError:
        reader.note("MIME structure nested too deep: read as plain text")
        return parser.parsebytes(raw, headersonly=True)


def parse_message(raw: bytes, *, max_seconds: float = 5.0) -> ParsedMessage:
    """Parse one raw mail; raises only ParseTimeout."""
    reader = _Reader(time.monotonic() + max_seconds)
    try:
        return _parse(raw, reader)
    except ParseTimeout:
        raise
    except Exception as error:  # a parser bug must not stop the mailbox: keep the mail as text, noted
        reader.note(f"mail could not be parsed ({type(error).__name__}): kept as plain text")
        text = clean_text(decode_bytes(raw, None)[0]).strip()
        return ParsedMessage(
            message_id="",
            fingerprint=_fingerprint(raw),
            in_reply_to=[],
            references=[],
            subject="",
            from_address="",
            from_name="",
            reply_to="",
            to=[],
            cc=[],
            date=None,
            text=text,
            full_text=text,
            html="",
            attachments=[],
            headers={},
            defects=reader.defects,
        )


def _fingerprint(raw: bytes) -> str:
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()  # the same mail over IMAP or a pipe


def _parse(raw: bytes, reader: _Reader) -> ParsedMessage:
    message = _parse_tree(raw, reader)
    reader.check()
    raw_headers: dict[str, str] = {}
    for name, value in message.raw_items():
        raw_headers.setdefault(str(name).strip().lower(), str(value))
    headers = {name: header_text(value) for name, value in raw_headers.items()}
    bodies = _Bodies()
    reader.walk(message, 0, bodies)

    full_text = "\n\n".join(
        part
        for is_html, content in bodies.texts
        if (part := (html_to_text(content, reader.check) if is_html else content).strip())
    )
    html = safe_html("\n".join(bodies.htmls)) if bodies.htmls else ""
    if html is None:
        reader.note("HTML too complex to clean safely: only its text is kept")
    senders = addresses(raw_headers.get("from", ""))
    if not senders and "from" not in raw_headers and (envelope := message.get_unixfrom()):
        senders = [("", sender)] if (sender := address(envelope[5:].split(" ")[0])) else []
    reply_to = addresses(raw_headers.get("reply-to", ""))
    return ParsedMessage(
        message_id=next(iter(message_ids(headers.get("message-id", ""))), ""),
        fingerprint=_fingerprint(raw),
        in_reply_to=message_ids(headers.get("in-reply-to", "")),
        references=message_ids(headers.get("references", "")),
        subject=headers.get("subject", ""),
        from_address=senders[0][1] if senders else "",
        from_name=senders[0][0] if senders else "",
        reply_to=reply_to[0][1] if reply_to else "",
        to=[email for _, email in addresses(raw_headers.get("to", ""))],
        cc=[email for _, email in addresses(raw_headers.get("cc", ""))],
        date=header_date(headers["date"]) if headers.get("date") else None,
        text=strip_quotes(full_text),
        full_text=full_text,
        html=html or "",
        attachments=reader.attachments,
        headers=headers,
        defects=reader.defects,
    )
