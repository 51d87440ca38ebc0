"""Message-IDs that tie every mail of a request together, and that let the mail intake find the request again.

Each request has a stable thread root, ``<tuki.sr-1042@support.example>``, which no mail carries as its own
Message-ID but every mail names in In-Reply-To and References, so mail clients show one conversation per
request. Each notification gets its own ``<tuki.sr-1042.e-77.{hash}@support.example>``: deterministic, so a
retried send carries the same id and receivers can drop the duplicate; keyed with SECRET_KEY, so the id reveals
no user numbers and cannot be made up by someone outside.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.crypto import salted_hmac

from tuki.tickets.models import Ticket, TicketEvent

# Tuki's own loop header; its value is the mail domain, so several Tukis can tell their own mail apart.
LOOP_HEADER = "X-Tuki-Loop"

_MESSAGE_ID = re.compile(
    r"<?\s*tuki\.(?P<prefix>[a-z0-9]+)-(?P<number>\d{1,18})(?:\.e-\d{1,18}\.[0-9a-f]+)?@(?P<domain>[^<>\s]+?)\s*>?",
    re.IGNORECASE,
)
_ANGLE_ADDR = re.compile(r"<[^<>]*>")


def mail_domain() -> str:
    """The right-hand side of Tuki's Message-IDs: the host of TUKI_BASE_URL."""
    return (urlsplit(settings.TUKI_BASE_URL).hostname or "localhost").lower()


def _ticket_part(ticket_pk: int) -> str:
    return f"tuki.{settings.TUKI_REQUEST_PREFIX.lower()}-{ticket_pk}"


def thread_message_id(ticket: Ticket) -> str:
    """The request's thread root, named in In-Reply-To and References of every mail about it."""
    return f"<{_ticket_part(ticket.pk)}@{mail_domain()}>"


def event_message_id(event: TicketEvent, recipient: Any) -> str:
    """The Message-ID of the mail about ``event`` to ``recipient``; each person gets a mail of their own."""
    digest = salted_hmac("tuki.mail.threading", f"{event.pk}:{recipient.pk}", algorithm="sha256").hexdigest()
    return f"<{_ticket_part(event.ticket_id)}.e-{event.pk}.{digest[:20]}@{mail_domain()}>"


def parse_ticket_identifier_from_message_id(value: str) -> int | None:
    """The request number in one of Tuki's own Message-IDs, or None for anybody else's id.

    Only ids with this Tuki's domain and request prefix count: a reply's References also carry the ids of
    other mail servers, and a look-alike from another domain must not attach a mail to one of our requests.
    """
    match = _MESSAGE_ID.fullmatch(value.strip())
    if match is None:
        return None
    if match["prefix"].lower() != settings.TUKI_REQUEST_PREFIX.lower() or match["domain"].lower() != mail_domain():
        return None
    return int(match["number"])


def ticket_number_from_headers(*values: str | None) -> int | None:
    """The request a reply belongs to, from In-Reply-To and References (pass them in that order).

    The first of Tuki's ids wins; headers may hold several ids and other servers' ids among them.
    """
    for value in values:
        for candidate in _ANGLE_ADDR.findall(value or ""):
            number = parse_ticket_identifier_from_message_id(candidate)
            if number is not None:
                return number
    return None


def automatic_headers(kind: str = "auto-generated") -> dict[str, str]:
    """The headers that mark Tuki's own automatic mail, so no auto-responder (nor our own intake) answers it.

    ``kind`` is RFC 3834's Auto-Submitted value: "auto-generated" for notifications, "auto-replied" for answers.
    """
    return {
        "Auto-Submitted": kind,
        # Exchange and Outlook honour this one instead, and then send no out-of-office replies to us.
        "X-Auto-Response-Suppress": "All",
        LOOP_HEADER: mail_domain(),
    }
