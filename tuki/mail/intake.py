"""Inbound mail: one intake behind both ways in, the IMAP poller (:mod:`tuki.mail.imap`) and the MTA pipe
(``manage.py mail_intake``).

What a message becomes:

* from an active named contact of a customer with an agreement in force: a new request (channel email) or,
  when it answers a request the sender may see, a public reply on it; a reply to a closed request opens a new
  one that names the old;
* from anybody else: nothing, but one polite automatic answer (Finnish and English) saying that requests come
  through the customer's own support desk; agents see the refused mail and may file it for a contact;
* automatic mail (auto-replies, bounces, lists, Tuki's own): stored as ignored, never answered;
* too big: kept unparsed as oversized, and answered (within the loop rules);
* anything that fails unexpectedly: kept whole in quarantine, for agents to retry.

Exactly once: the Message-ID (or the parser's fingerprint) is a unique key on :class:`InboundMessage`, and the
record, the request and its files are written in one transaction. A database error leaves nothing behind and
raises :class:`TemporaryFailure`: the poller leaves the message in the mailbox, the pipe exits 75 so that the
mail server delivers it again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuki.accounts.models import Contact
from tuki.agreements.selectors import organisations_in_force
from tuki.core.ratelimit import increment
from tuki.core.scoping import visible_to
from tuki.mail.loops import automatic_reason
from tuki.mail.models import AnswerState, InboundMessage, InboundSource, InboundStatus
from tuki.mail.parsing import ParsedMessage, ParseTimeout, parse_message, subject_identifier
from tuki.mail.threading import LOOP_HEADER, mail_domain, ticket_number_from_headers
from tuki.tickets.attachments import check_files
from tuki.tickets.models import Channel, State, Ticket
from tuki.tickets.services import ticket_create, ticket_reply

logger = logging.getLogger(__name__)

EX_OK = 0
EX_TEMPFAIL = 75  # sysexits.h: the mail server keeps the message and tries again later

HEADER_PEEK_BYTES = 256 * 1024
SUBJECT_MAX = 200  # Ticket.subject
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|vs|sv|aw|fw|fwd|vl|vb|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)

T = TypeVar("T")


class TemporaryFailure(Exception):
    """Nothing was written; take the message in again later.

    ``unavailable`` is true when the database (or the file storage) is away altogether, so that a poller stops
    instead of failing every message in the mailbox one by one.
    """

    def __init__(self, message: str, *, unavailable: bool) -> None:
        super().__init__(message)
        self.unavailable = unavailable


@dataclass(frozen=True)
class IntakeResult:
    inbound_id: int
    status: str
    duplicate: bool = False


# ---------------------------------------------------------------------------------------------------- entry points


def intake(raw: bytes, *, source: str, now: datetime | None = None) -> IntakeResult:
    """Take in one raw RFC 822 message. Raises :class:`TemporaryFailure` (and writes nothing) on database errors."""
    now = now or timezone.now()
    if len(raw) > settings.TUKI_MAIL_MAX_BYTES:
        return _intake_oversized(raw, source=source, now=now)
    parsed: ParsedMessage | None = None
    failure: BaseException | None = None
    try:
        parsed = parse_message(raw, max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
    except ParseTimeout as exc:
        failure = exc
    except Exception as exc:  # the parser promises not to raise for bad MIME; a bug must not lose the mail
        logger.exception("Parsing an inbound message failed")
        failure = exc
    if parsed is not None:
        message_id, fingerprint = parsed.message_id, parsed.fingerprint
    else:
        message_id, fingerprint = _peek_message_id(raw), raw_fingerprint(raw)
    key = message_key(message_id, fingerprint)
    return _take(
        raw,
        key=key,
        source=source,
        now=now,
        fields={"message_id": _clip(message_id, 998), "fingerprint": fingerprint, **_summary(parsed, raw)},
        process=(lambda record: _process(record, parsed, now)) if parsed is not None else None,
        failure=failure,
    )


def pipe_intake(raw: bytes) -> int:
    """What ``manage.py mail_intake`` does with standard input; returns the process's exit code."""
    try:
        result = intake(raw, source=InboundSource.PIPE)
    except TemporaryFailure as failure:
        logger.warning("Inbound mail not taken, the mail server will retry: %s", failure)
        return EX_TEMPFAIL
    logger.info("Inbound mail %s: %s%s", result.inbound_id, result.status, " (duplicate)" if result.duplicate else "")
    return EX_OK


def message_key(message_id: str, fingerprint: str) -> str:
    """The exactly-once key: a hash of the Message-ID or, for mail without one, of the parser's fingerprint."""
    message_id = message_id.strip().strip("<>").strip()
    if message_id:
        return "mid:" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()
    return "fp:" + hashlib.sha256(fingerprint.encode("utf-8", "surrogateescape")).hexdigest()


def raw_fingerprint(raw: bytes) -> str:
    """The parser's fingerprint of ``raw`` (the bytes with normalised line ends), for mail it cannot parse."""
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


# ------------------------------------------------------------------------------------------------- the transaction


def _take(
    raw: bytes,
    *,
    key: str,
    source: str,
    now: datetime,
    fields: dict[str, Any],
    process: Callable[[InboundMessage], None] | None,
    failure: BaseException | None = None,
) -> IntakeResult:
    """Store the message once under ``key`` and run ``process`` on its record, all in one transaction.

    ``process`` fills in the record (and files the request); the record is inserted last, so that a second
    intake of the same message that raced this one fails on the unique key and rolls back all it wrote.
    """
    if _guard(lambda: InboundMessage.objects.filter(key=key).exists()):
        earlier = _guard(lambda: InboundMessage.objects.filter(key=key).values_list("pk", "status").first())
        if earlier is not None:
            return IntakeResult(inbound_id=earlier[0], status=earlier[1], duplicate=True)
    name = _store_raw(raw, key)
    record = InboundMessage(key=key, size=len(raw), received_at=now, updated_at=now, source=source, **fields)
    record.raw.name = name
    if failure is not None:
        return _quarantine(record, failure, name)
    try:
        with transaction.atomic():
            if process is not None:
                process(record)
            record.save(force_insert=True)
    except IntegrityError as exc:
        duplicate = _guard(lambda: InboundMessage.objects.filter(key=key).values_list("pk", "status").first())
        if duplicate is not None:  # delivered twice at the same moment: the other intake won the key
            _delete_raw(name)
            return IntakeResult(inbound_id=duplicate[0], status=duplicate[1], duplicate=True)
        _database_failed(exc, key, record, name)
    except DatabaseError as exc:
        _database_failed(exc, key, record, name)
    except Exception as exc:
        logger.exception("Inbound message %s could not be processed; quarantined", key)
        record.pk = None
        return _quarantine(record, exc, name)
    return IntakeResult(inbound_id=record.pk, status=record.status)


def _database_failed(exc: DatabaseError, key: str, record: InboundMessage, name: str) -> None:
    """Roll back (done) and ask for the message again; after many failures in a row, quarantine it instead.

    A database that is away (OperationalError) is retried for ever; an error that this one message causes every
    time (a value the database refuses, say) would otherwise stop the mailbox or make the mail server retry
    for days, so after TUKI_MAIL_MAX_ATTEMPTS it goes to quarantine where agents see it.
    """
    unavailable = isinstance(exc, (OperationalError, InterfaceError))
    if not unavailable:
        attempts = _count_attempt(key)
        if attempts >= settings.TUKI_MAIL_MAX_ATTEMPTS:
            logger.error("Inbound message %s failed %s times with %r; quarantined", key, attempts, exc)
            record.pk = None
            record.attempts = attempts
            _quarantine(record, exc, name)
            cache.delete(_attempts_key(key))
            return
    _delete_raw(name)
    raise TemporaryFailure(f"database error: {exc}", unavailable=unavailable) from exc


def _quarantine(record: InboundMessage, exc: BaseException, name: str) -> IntakeResult:
    """Keep the whole message, with what went wrong, for agents to look at and retry."""
    record.status = InboundStatus.QUARANTINED
    record.reason = f"could not be processed: {type(exc).__name__}"
    record.error = describe_error(exc)
    record.ticket = None
    record.event = None
    record.answer = AnswerState.NONE
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError as error:
        duplicate = _guard(lambda: InboundMessage.objects.filter(key=record.key).values_list("pk", "status").first())
        _delete_raw(name)
        if duplicate is not None:
            return IntakeResult(inbound_id=duplicate[0], status=duplicate[1], duplicate=True)
        raise TemporaryFailure(f"database error: {error}", unavailable=False) from error
    except DatabaseError as error:
        _delete_raw(name)
        raise TemporaryFailure(
            f"database error: {error}", unavailable=isinstance(error, (OperationalError, InterfaceError))
        ) from error
    return IntakeResult(inbound_id=record.pk, status=record.status)


def _intake_oversized(raw: bytes, *, source: str, now: datetime) -> IntakeResult:
    """Keep a message over the size limit unparsed, and tell the sender (within the loop rules)."""
    head = _parse_head(raw)
    message_id = head.message_id if head is not None else ""
    fingerprint = raw_fingerprint(raw)
    key = message_key(message_id, fingerprint)
    limit = settings.TUKI_MAIL_MAX_BYTES

    def process(record: InboundMessage) -> None:
        record.status = InboundStatus.OVERSIZED
        record.reason = f"{len(raw) / 1024 / 1024:.1f} MB, over the limit of {limit / 1024 / 1024:.0f} MB"
        why_not = _why_not_answer(head) if head is not None else "unreadable headers"
        if why_not is None:
            _queue_answer(record)
        else:
            record.answer = AnswerState.SUPPRESSED
            record.reason = _clip(f"{record.reason}; {why_not}", 255)

    return _take(
        raw,
        key=key,
        source=source,
        now=now,
        fields={"message_id": _clip(message_id, 998), "fingerprint": fingerprint, **_summary(head, raw)},
        process=process,
    )


# ------------------------------------------------------------------------------------------ what a message becomes


def _process(record: InboundMessage, parsed: ParsedMessage, now: datetime, *, actor: Any = None) -> None:
    """Decide, file the request or reply, and fill in ``record`` (the caller saves it); inside the transaction.

    ``actor`` is the agent retrying a quarantined message, kept on the record.
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


def _finish(record: InboundMessage, status: str, reason: str, *, ticket: Ticket | None = None) -> None:
    record.status = status
    record.reason = _clip(reason, 255)
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
    from tuki.mail.tasks import answer_inbound

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


def request_subject(subject: str | None) -> str:
    """The subject for a new request: without reply prefixes and without request identifiers."""
    prefix = re.escape(settings.TUKI_REQUEST_PREFIX)
    text = re.sub(rf"\[\s*{prefix}-\d+\s*\]", " ", subject or "", flags=re.IGNORECASE)
    text = " ".join(_REPLY_PREFIX.sub("", " ".join(text.split())).split())
    return _clip(text, SUBJECT_MAX) or _("(no subject)")


def mail_content(parsed: ParsedMessage) -> tuple[str, list[UploadedFile]]:
    """The text for the request and the files that may be attached; refused files are named in the text.

    Files go through the same checks as uploads (size, content type). A file that fails them must not lose the
    mail: the request is filed without it and its name noted; the raw message keeps it for the agents.
    """
    text = (parsed.text or "").strip() or (parsed.full_text or "").strip()
    files: list[UploadedFile] = []
    skipped: list[str] = []
    for number, attachment in enumerate(parsed.attachments or (), start=1):
        name = (attachment.name or "").strip() or f"attachment-{number}"
        upload = SimpleUploadedFile(name, bytes(attachment.data), content_type=attachment.content_type or "")
        try:
            check_files([upload])
        except ValidationError:
            skipped.append(upload.name or name)
            continue
        files.append(upload)
    if skipped:
        note = _("Files in the message that could not be attached (kept in the original mail): %(names)s") % {
            "names": ", ".join(skipped)
        }
        text = f"{text}\n\n{note}" if text else note
    return text, files


# --------------------------------------------------------------------------------------------- agents on the desk


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
        with transaction.atomic():
            record = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
            if record.status != InboundStatus.QUARANTINED:
                return record
            record.attempts += 1
            record.message_id = record.message_id or _clip(parsed.message_id or "", 998)
            record.fingerprint = record.fingerprint or _clip(parsed.fingerprint or "", 128)
            for name, value in _summary(parsed, raw).items():
                setattr(record, name, value)
            _process(record, parsed, now, actor=actor)
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
    record.reason = _clip(f"filed by {actor.email} for {requester.user.email}", 255)
    record.handled_by = actor
    record.updated_at = timezone.now()
    record.save()
    return ticket


def _require_staff(actor: Any) -> None:
    if not getattr(actor, "is_supplier_staff", False):
        raise PermissionDenied(_("Only the support staff may handle inbound mail."))


def read_raw(record: InboundMessage) -> bytes:
    with record.raw.open("rb") as handle:
        data: bytes = handle.read()
    return data


def parse_stored(record: InboundMessage) -> ParsedMessage | None:
    """The stored message parsed for showing on the desk (headers only when it is over the size limit)."""
    try:
        raw = read_raw(record)
    except OSError:
        return None
    if len(raw) > settings.TUKI_MAIL_MAX_BYTES:
        return _parse_head(raw)
    try:
        return parse_message(raw, max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
    except Exception:
        logger.warning("Inbound message %s cannot be parsed for showing", record.pk, exc_info=True)
        return _parse_head(raw)


# ---------------------------------------------------------------------------------------------------- small parts


def _guard(query: Callable[[], T]) -> T:
    try:
        return query()
    except DatabaseError as exc:
        raise TemporaryFailure(
            f"database error: {exc}", unavailable=isinstance(exc, (OperationalError, InterfaceError))
        ) from exc


def _store_raw(raw: bytes, key: str) -> str:
    """Write the raw message through the storage API (before the transaction; removed again if it fails)."""
    field = InboundMessage._meta.get_field("raw")
    name = f"{key.split(':', 1)[-1][:32]}.eml"
    try:
        return str(field.storage.save(field.generate_filename(None, name), ContentFile(raw)))
    except OSError as exc:
        raise TemporaryFailure(f"cannot store the message: {exc}", unavailable=True) from exc


def _delete_raw(name: str) -> None:
    field = InboundMessage._meta.get_field("raw")
    try:
        field.storage.delete(name)
    except OSError:
        logger.warning("Could not remove %s after a failed intake", name, exc_info=True)


def _attempts_key(key: str) -> str:
    return f"tuki.mail.intake.attempts:{key}"


def _count_attempt(key: str) -> int:
    return increment(_attempts_key(key), timeout=24 * 3600)


def _summary(parsed: ParsedMessage | None, raw: bytes) -> dict[str, Any]:
    if parsed is None:
        parsed = _parse_head(raw)
        if parsed is None:
            return _plain_summary(raw)
    return {
        "sender": _clip((parsed.from_address or "").strip().lower(), 254),
        "sender_name": _clip(parsed.from_name or "", 255),
        "subject": _clip(" ".join((parsed.subject or "").split()), 255),
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
        "sender": _clip(address.strip().lower(), 254),
        "sender_name": _clip(name, 255),
        "subject": _clip(" ".join(subject.split()), 255),
    }


def _header_block(raw: bytes) -> bytes:
    head = raw[:HEADER_PEEK_BYTES]
    ends = [index + len(separator) for separator in (b"\r\n\r\n", b"\n\n") if (index := head.find(separator)) >= 0]
    return head[: min(ends)] if ends else head.rstrip(b"\r\n") + b"\r\n\r\n"


def _parse_head(raw: bytes) -> ParsedMessage | None:
    """The headers alone, parsed: for messages too big (or too broken) to parse whole."""
    try:
        return parse_message(_header_block(raw), max_seconds=settings.TUKI_MAIL_PARSE_SECONDS)
    except Exception:
        logger.warning("Even the headers of an inbound message cannot be parsed", exc_info=True)
        return None


_MESSAGE_ID_LINE = re.compile(rb"^message-id:[ \t]*<([^<>\r\n]{1,500})>", re.IGNORECASE | re.MULTILINE)


def _peek_message_id(raw: bytes) -> str:
    """The Message-ID of a message the parser failed on, so that its key stays the same when delivered again."""
    head = _parse_head(raw)
    if head is not None:
        return _clip(head.message_id or "", 998)
    match = _MESSAGE_ID_LINE.search(_header_block(raw))
    return "<" + match[1].decode("ascii", "replace").strip() + ">" if match else ""


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def describe_error(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return _clip("".join(lines), 20000)


__all__ = [
    "EX_OK",
    "EX_TEMPFAIL",
    "IntakeResult",
    "TemporaryFailure",
    "contact_for_address",
    "inbound_create_request",
    "inbound_retry",
    "intake",
    "mail_content",
    "message_key",
    "parse_stored",
    "pipe_intake",
    "read_raw",
    "request_subject",
]
