"""What agents do with stored inbound mail on the desk (:mod:`tuki.desk.mail_views`): retry a quarantined
message, accept or reject one whose sender could not be verified, file a refused one as a request for a named
contact, and show any of them."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Contact
from tuki.mail.authentication import Verdict
from tuki.mail.intake.content import mail_content, request_subject
from tuki.mail.intake.decisions import process, sender_verdict
from tuki.mail.intake.headers import parse_head, summary
from tuki.mail.intake.store import clip, describe_error, read_raw
from tuki.mail.models import CLAIMING_STATUSES, InboundMessage, InboundStatus
from tuki.mail.parsing import ParsedMessage, parse_message
from tuki.tickets.models import Channel, Ticket
from tuki.tickets.services import ticket_create, ticket_note

logger = logging.getLogger(__name__)


def inbound_retry(*, actor: Any, inbound: InboundMessage, now: datetime | None = None) -> InboundMessage:
    """Process a quarantined message again. It stays in quarantine (with the new error) if it fails again."""
    _require_staff(actor)
    now = now or timezone.now()
    if inbound.status != InboundStatus.QUARANTINED:
        raise ValidationError(_("Only a quarantined message can be retried."))
    raw = read_raw(inbound)
    error: BaseException | None = None
    try:
        parsed = parse_message(raw, max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
        verdict = sender_verdict(raw, parsed)
        with transaction.atomic():
            record = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
            if record.status != InboundStatus.QUARANTINED:
                return record
            record.attempts += 1
            record.message_id = record.message_id or clip(parsed.message_id or "", 998)
            record.fingerprint = record.fingerprint or clip(parsed.fingerprint or "", 128)
            for name, value in summary(parsed, raw).items():
                setattr(record, name, value)
            process(record, parsed, now, verdict=verdict, actor=actor)
            if record.status not in CLAIMING_STATUSES:
                record.key = None
            record.save()
            return record
    except DatabaseError:
        raise
    except Exception as exc:
        logger.exception("Retrying inbound message %s failed", inbound.pk)
        error = exc
    with transaction.atomic():
        record = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
        record.attempts += 1
        record.error = describe_error(error)
        record.handled_by = actor
        record.updated_at = timezone.now()
        record.save(update_fields=["attempts", "error", "handled_by", "updated_at"])
    return record


@transaction.atomic
def inbound_accept(*, actor: Any, inbound: InboundMessage, now: datetime | None = None) -> InboundMessage:
    """An agent vouches for the sender of an unverified message: it is processed as if authenticated, and the
    agent's decision is written into the request's history (an internal note) and on the record.

    It may still be refused (the contact left, the agreement ended) like any mail. It holds no exactly-once
    key: the agent's decision is about this record, not about the Message-ID.
    """
    _require_staff(actor)
    now = now or timezone.now()
    record = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if record.status != InboundStatus.UNVERIFIED:
        raise ValidationError(_("Only a message whose sender could not be verified can be accepted."))
    parsed = parse_message(read_raw(record), max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
    doubt = record.reason
    process(record, parsed, now, verdict=Verdict(True, f"accepted by {actor.email}"), actor=actor)
    record.key = None
    record.reason = clip(f"accepted by {actor.email}; {doubt}" + (f"; {record.reason}" if record.reason else ""), 255)
    if record.ticket is not None:
        note = _(
            "The mail from %(sender)s was accepted by %(agent)s although its sender could not be verified (%(reason)s)."
        ) % {"sender": record.sender, "agent": actor.full_name or actor.email, "reason": doubt}
        ticket_note(actor=actor, ticket=record.ticket, body=note, now=now)
    record.save()
    return record


@transaction.atomic
def inbound_reject(*, actor: Any, inbound: InboundMessage, now: datetime | None = None) -> InboundMessage:
    """An agent rejects an unverified message: it is kept (raw and all), marked rejected, and files nothing."""
    _require_staff(actor)
    now = now or timezone.now()
    record = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if record.status != InboundStatus.UNVERIFIED:
        raise ValidationError(_("Only a message whose sender could not be verified can be rejected."))
    record.status = InboundStatus.REJECTED
    record.reason = clip(f"rejected by {actor.email}; {record.reason}", 255)
    record.handled_by = actor
    record.updated_at = now
    record.save(update_fields=["status", "reason", "handled_by", "updated_at"])
    return record


@transaction.atomic
def inbound_create_request(
    *, actor: Any, inbound: InboundMessage, requester: Contact, now: datetime | None = None
) -> Ticket:
    """File a refused message as a request for a named contact: its text and files go in, channel email."""
    _require_staff(actor)
    now = now or timezone.now()
    record = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if record.status not in (InboundStatus.REFUSED, InboundStatus.IGNORED) or record.ticket_id is not None:
        raise ValidationError(_("Only a refused message can be filed as a request."))
    parsed = parse_message(read_raw(record), max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
    text, files = mail_content(parsed)
    sender = parsed.from_name or parsed.from_address or ""
    if parsed.from_name and parsed.from_address:
        sender = f"{parsed.from_name} <{parsed.from_address}>"
    origin = _("Filed by the support staff from an email sent by %(sender)s.") % {"sender": sender or "?"}
    ticket = ticket_create(
        actor=actor,
        requester=requester,
        subject=request_subject(parsed.subject),
        description=f"{text}\n\n{origin}" if text else origin,
        channel=Channel.EMAIL,
        files=files,
        now=now,
    )
    record.ticket = ticket
    record.event = None
    record.status = InboundStatus.ACCEPTED
    record.reason = clip(f"filed by {actor.email} for {requester.user.email}", 255)
    record.handled_by = actor
    record.updated_at = timezone.now()
    record.save()
    return ticket


def _require_staff(actor: Any) -> None:
    if not getattr(actor, "is_supplier_staff", False):
        raise PermissionDenied(_("Only the support staff may handle inbound mail."))


def parse_stored(record: InboundMessage) -> ParsedMessage | None:
    """The stored message parsed for showing on the desk (headers only when it is over the size limit)."""
    try:
        raw = read_raw(record)
    except OSError:
        return None
    if len(raw) > settings.TUKI_MAIL_MAX_BYTES:
        return parse_head(raw)
    try:
        return parse_message(raw, max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
    except Exception:
        logger.warning("Inbound message %s cannot be parsed for showing", record.pk, exc_info=True)
        return parse_head(raw)
