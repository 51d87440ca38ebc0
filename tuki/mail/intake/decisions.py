"""What a message becomes: who sent it, which request it answers, and so a request, a reply, refused (and
answered automatically) or ignored. Runs inside the storage's transaction and fills in the record."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuki.accounts.models import Contact
from tuki.agreements.selectors import organisations_in_force
from tuki.core.scoping import visible_to
from tuki.mail.authentication import DnsLookup, Verdict, authenticate
from tuki.mail.intake.content import mail_content, request_subject
from tuki.mail.intake.store import clip
from tuki.mail.loops import automatic_reason
from tuki.mail.models import AnswerState, InboundMessage, InboundStatus
from tuki.mail.parsing import ParsedMessage, subject_identifier
from tuki.mail.tasks import answer_inbound
from tuki.mail.threading import LOOP_HEADER, mail_domain, ticket_number_from_headers
from tuki.tickets.models import Channel, State, Ticket
from tuki.tickets.services import ticket_create, ticket_reply

logger = logging.getLogger(__name__)


def process(
    record: InboundMessage, parsed: ParsedMessage, now: datetime, *, verdict: Verdict, actor: Any = None
) -> None:
    """Decide, file the request or reply, and fill in ``record`` (the caller saves it); inside the transaction.

    ``verdict`` says whether the sender is who the From address says (:func:`sender_verdict`, made before the
    transaction: it may ask the DNS). ``actor`` is the agent retrying or accepting a quarantined message, kept
    on the record.
    """
    record.error = ""
    record.handled_by = actor
    why_not = _automatic(parsed)
    if why_not is not None:
        _finish(record, InboundStatus.IGNORED, why_not)
        return
    contact = contact_for_address(parsed.from_address)
    if contact is None:
        _refuse(record, "not a named contact person")
        return
    if not verdict.passed:
        # Anybody can write a contact's address in From: unverified, the mail files nothing and is not
        # answered (the answer would go to the real contact), but waits for an agent to accept or reject it.
        record.answer = AnswerState.NONE
        _finish(record, InboundStatus.UNVERIFIED, f"sender not verified: {verdict.reason}")
        return
    if contact.organisation_id not in organisations_in_force(timezone.localdate(now)):
        _refuse(record, "the customer has no agreement in force")
        return
    user = contact.user
    with translation.override(user.language):
        ticket, closed = _thread(parsed, user)
        text, files = mail_content(parsed)
        if ticket is not None and not closed:
            event = ticket_reply(
                actor=user, ticket=ticket, body=text or _("(The message had no text.)"), files=files, now=now
            )
            record.event = event
            _finish(record, InboundStatus.REPLIED, "", ticket=ticket)
            return
        if ticket is not None:
            text = _("This message answers the closed request %(identifier)s.") % {"identifier": ticket.identifier} + (
                "\n\n" + text if text else ""
            )
        created = ticket_create(
            actor=user,
            requester=contact,
            subject=request_subject(parsed.subject),
            description=text,
            channel=Channel.EMAIL,
            files=files,
            now=now,
        )
    record.event = None  # the request's "created" event; the request is what the agents follow
    _finish(record, InboundStatus.ACCEPTED, "", ticket=created)


def sender_verdict(raw: bytes, parsed: ParsedMessage, *, dnsfunc: DnsLookup | None = None) -> Verdict:
    """Whether the message comes from its From address's domain; only asked (DNS and all) for mail that claims
    to come from a named contact, since nothing else is filed anyway."""
    if contact_for_address(parsed.from_address) is None:
        return Verdict(False, "not a named contact person")
    try:
        return authenticate(raw, parsed.from_address, authserv_id=settings.TUKI_MAIL_AUTHSERV_ID, dnsfunc=dnsfunc)
    except Exception as exc:  # a verifier's bug on strange mail must not lose it: unverified, agents decide
        logger.exception("Verifying the sender of an inbound message failed")
        return Verdict(False, f"verification failed: {type(exc).__name__}")


def process_oversized(record: InboundMessage, head: ParsedMessage | None, limit: int) -> None:
    """A message over the size limit is kept unparsed, and its sender told (within the loop rules)."""
    record.status = InboundStatus.OVERSIZED
    record.reason = f"{record.size / 1024 / 1024:.1f} MB, over the limit of {limit / 1024 / 1024:.0f} MB"
    why_not = _why_not_answer(head) if head is not None else "unreadable headers"
    if why_not is None:
        _queue_answer(record)
    else:
        record.answer = AnswerState.SUPPRESSED
        record.reason = clip(f"{record.reason}; {why_not}", 255)


def _finish(record: InboundMessage, status: str, reason: str, *, ticket: Ticket | None = None) -> None:
    record.status = status
    record.reason = clip(reason, 255)
    record.ticket = ticket
    record.updated_at = timezone.now()


def _refuse(record: InboundMessage, reason: str) -> None:
    if parsed_sender_ok(record.sender):
        _queue_answer(record)
    else:
        record.answer = AnswerState.SUPPRESSED
    _finish(record, InboundStatus.REFUSED, reason)


def _queue_answer(record: InboundMessage) -> None:
    """The automatic answer goes out after the commit, as a job of its own (rate limit and retries there)."""
    record.answer = AnswerState.QUEUED
    transaction.on_commit(lambda: answer_inbound(record.pk), robust=True)


def _automatic(parsed: ParsedMessage) -> str | None:
    """Why the message must not be answered or turned into a request, or None."""
    reason = automatic_reason(parsed)
    if reason:
        return reason
    if _own_mail(parsed):
        return "Tuki's own mail"
    return None


def _why_not_answer(parsed: ParsedMessage) -> str | None:
    """Why no automatic answer may go to the sender of ``parsed``, or None."""
    reason = _automatic(parsed)
    if reason:
        return reason
    if not parsed_sender_ok(parsed.from_address):
        return "no sender address"
    return None


def _own_mail(parsed: ParsedMessage) -> bool:
    loop = parsed.headers.get(LOOP_HEADER.lower())
    if loop and str(loop).strip().lower() == mail_domain():
        return True
    return (parsed.from_address or "").strip().lower() == settings.TUKI_SUPPORT_EMAIL.strip().lower()


def parsed_sender_ok(address: str | None) -> bool:
    address = (address or "").strip()
    return "@" in address and " " not in address and address.lower() != settings.TUKI_SUPPORT_EMAIL.strip().lower()


def contact_for_address(address: str | None) -> Contact | None:
    """The active named contact whose login address is ``address`` (case-insensitively), or None."""
    address = (address or "").strip()
    if "@" not in address:
        return None
    active = Contact.objects.filter(deactivated_at__isnull=True, user__is_active=True).select_related("user")
    # Addresses are stored in lower case: the unique index finds them. Should one have been saved otherwise,
    # the case-insensitive match (a scan) still does, at the cost of a second query for unknown senders.
    for lookup in ({"user__email": address.lower()}, {"user__email__iexact": address}):
        found = list(active.filter(**lookup).order_by("pk")[:1])
        if found:
            return found[0]
    return None


def _thread(parsed: ParsedMessage, user: Any) -> tuple[Ticket | None, bool]:
    """The request the message answers, if the sender may see it; and whether that request is closed.

    In-Reply-To and References naming Tuki's own mail come first, then ``[SR-1042]`` in the subject. A request
    the sender may not see (another customer's) is as good as no request: the message files a new one, and the
    other request is neither touched nor mentioned.
    """
    numbers = [
        ticket_number_from_headers(" ".join(parsed.in_reply_to or ()), " ".join(parsed.references or ())),
        subject_identifier(parsed.subject or "", settings.TUKI_REQUEST_PREFIX),
    ]
    visible = visible_to(user, Ticket)
    ticket = None
    for number in dict.fromkeys(n for n in numbers if n is not None):
        ticket = visible.filter(pk=number).first()
        if ticket is not None:
            break
    if ticket is None:
        return None, False
    if ticket.state in (State.CLOSED, State.CANCELLED) and ticket.merged_into_id is not None:
        target = visible.filter(pk=ticket.merged_into_id).first()
        if target is not None and target.state not in (State.CLOSED, State.CANCELLED):
            return target, False
    return ticket, ticket.state in (State.CLOSED, State.CANCELLED)
