"""Mail that a machine sent: never answered and never made into a request (RFC 3834 and practice).

Answering an auto-reply, a bounce or a mailing list is how two robots end up mailing each other all night.
Such mail is recognised by its headers; and even to people Tuki answers automatically only a few times an
hour per sender.
"""

from __future__ import annotations

import hashlib
import re

from tuki.core.ratelimit import hit
from tuki.mail.parsing import ParsedMessage
from tuki.mail.threading import LOOP_HEADER, mail_domain, parse_ticket_identifier_from_message_id

_BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
_AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-response", "x-ms-exchange-generated-message-source")
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post")
# Other help desks' loop headers (X-Loop, X-RT-Loop-Prevention, ...) are left alone on purpose: a customer's
# first-line desk mails its people's words through such software, and those mails must reach us.


def _content_type(message: ParsedMessage) -> tuple[str, str]:
    """The mail's own content type and its report-type parameter, lower-cased."""
    value = message.headers.get("content-type", "").lower()
    report = re.search(r"report-type\s*=\s*\"?([a-z0-9-]+)", value)
    return value.split(";")[0].strip(), report[1] if report else ""


def automatic_reason(message: ParsedMessage) -> str | None:
    """Why this message is automatic (never to be answered, never to create a request), or None for a human.

    Reasons: "own-mail", "bounce", "report", "auto-submitted", "autoreply", "auto-response-suppress",
    "loop", "precedence", "list".
    """
    headers = message.headers
    if LOOP_HEADER.lower() in headers:
        # Another Tuki's mail carries the header too, with its own domain: automatic all the same.
        return "own-mail" if headers[LOOP_HEADER.lower()].strip().lower() == mail_domain() else "loop"
    if parse_ticket_identifier_from_message_id(message.message_id) is not None:
        return "own-mail"
    content_type, report_type = _content_type(message)
    sender_name = message.from_address.rpartition("@")[0]
    if (
        (content_type == "multipart/report" and report_type == "delivery-status")
        or sender_name in _BOUNCE_SENDERS
        or headers.get("return-path", "").replace(" ", "") == "<>"
        or "x-failed-recipients" in headers
    ):
        return "bounce"
    if content_type == "multipart/report":  # read receipts and abuse reports are machine-made as well
        return "report"
    auto_submitted = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    if any(name in headers for name in _AUTOREPLY_HEADERS):
        return "autoreply"
    if "x-auto-response-suppress" in headers:
        return "auto-response-suppress"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in {"bulk", "list", "junk"}:
        return "precedence"
    if precedence == "auto_reply":
        return "autoreply"
    if any(name in headers for name in _LIST_HEADERS):
        return "list"
    return None


def may_auto_answer(sender: str, *, limit: int = 3, window_seconds: int = 3600) -> bool:
    """Count one automatic answer to ``sender``; False once the sender has had ``limit`` in the window."""
    address = sender.strip().lower()
    if not address:
        return False
    key = "mail-auto-answer:" + hashlib.sha256(address.encode("utf-8")).hexdigest()
    return hit(key, limit=limit, window_seconds=window_seconds)
