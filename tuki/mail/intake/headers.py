"""What the record shows of a message (sender, subject, Message-ID), also when the message is too big to parse
whole or the parser fails on it: then the header block alone is read, and the cost stays bounded."""

from __future__ import annotations

import logging
import re
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from typing import Any

from django.conf import settings

from tuki.mail.intake.store import clip
from tuki.mail.parsing import ParsedMessage, parse_message

logger = logging.getLogger(__name__)

HEADER_PEEK_BYTES = 256 * 1024

_MESSAGE_ID_LINE = re.compile(rb"^message-id:[ \t]*<([^<>\r\n]{1,500})>", re.IGNORECASE | re.MULTILINE)


def summary(parsed: ParsedMessage | None, raw: bytes) -> dict[str, Any]:
    """The record's sender, sender_name and subject."""
    if parsed is None:
        parsed = parse_head(raw)
        if parsed is None:
            return _plain_summary(raw)
    return {
        "sender": clip((parsed.from_address or "").strip().lower(), 254),
        "sender_name": clip(parsed.from_name or "", 255),
        "subject": clip(" ".join((parsed.subject or "").split()), 255),
    }


def _plain_summary(raw: bytes) -> dict[str, Any]:
    """Sender and subject by the standard library alone, for the list, when the parser gave up even on the
    headers (the header block is small: the cost is bounded)."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(_header_block(raw))
        subject = str(make_header(decode_header(str(headers.get("subject", "")))))
        name, address = parseaddr(str(headers.get("from", "")))
    except Exception:
        return {"sender": "", "sender_name": "", "subject": ""}
    return {
        "sender": clip(address.strip().lower(), 254),
        "sender_name": clip(name, 255),
        "subject": clip(" ".join(subject.split()), 255),
    }


def _header_block(raw: bytes) -> bytes:
    head = raw[:HEADER_PEEK_BYTES]
    ends = [index + len(separator) for separator in (b"\r\n\r\n", b"\n\n") if (index := head.find(separator)) >= 0]
    return head[: min(ends)] if ends else head.rstrip(b"\r\n") + b"\r\n\r\n"


def parse_head(raw: bytes) -> ParsedMessage | None:
    """The headers alone, parsed: for messages too big (or too broken) to parse whole."""
    try:
        return parse_message(_header_block(raw), max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
    except Exception:
        logger.warning("Even the headers of an inbound message cannot be parsed", exc_info=True)
        return None


def peek_message_id(raw: bytes) -> str:
    """The Message-ID of a message the parser failed on, so that its key stays the same when delivered again."""
    head = parse_head(raw)
    if head is not None:
        return clip(head.message_id or "", 998)
    match = _MESSAGE_ID_LINE.search(_header_block(raw))
    return "<" + match[1].decode("ascii", "replace").strip() + ">" if match else ""
