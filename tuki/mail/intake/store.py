"""Exactly-once storage of a raw inbound message: its :class:`InboundMessage` record, keyed by its Message-ID
(or the parser's fingerprint), written with whatever the message becomes in one transaction.

A database error leaves nothing behind and raises :class:`TemporaryFailure`; the caller takes the message in
again later. Anything else that fails keeps the message whole in quarantine.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q

from tuki.core.ratelimit import increment
from tuki.core.storage_errors import storage_failures
from tuki.mail.models import CLAIMING_STATUSES, AnswerState, InboundMessage, InboundStatus

logger = logging.getLogger(__name__)

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


def message_key(sender: str, message_id: str, fingerprint: str) -> str:
    """The exactly-once key: a hash of the sender with the Message-ID or, for mail without one, with the
    parser's fingerprint.

    Both come from the sender, so the key is only as good as the sender's authentication: it is claimed only by
    mail that was filed (``CLAIMING_STATUSES``), never by refused, unverified or otherwise unfiled mail. A
    stranger who guesses a Message-ID therefore cannot make a later real mail a "duplicate".
    """
    message_id = message_id.strip().strip("<>").strip()
    kind, value = ("mid", message_id) if message_id else ("fp", fingerprint)
    text = f"{sender.strip().lower()}\n{value}"
    return f"{kind}:" + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def raw_fingerprint(raw: bytes) -> str:
    """The parser's fingerprint of ``raw`` (the bytes with normalised line ends), for mail it cannot parse."""
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


def take(
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
    intake of the same message that raced this one fails on the unique key and rolls back all it wrote. Only a
    filed message keeps the key (see :func:`message_key`); anything else is stored without one.
    """
    # The same message again: a filed one by its key, anything else by the hash of all its bytes (a message
    # with a guessed Message-ID is never "the same" as one that differs in a single byte).
    same = Q(key=key) | Q(fingerprint=fields["fingerprint"]) if fields.get("fingerprint") else Q(key=key)
    earlier = guard(lambda: InboundMessage.objects.filter(same).order_by("pk").values_list("pk", "status").first())
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
            if record.status not in CLAIMING_STATUSES:
                record.key = None
            record.save(force_insert=True)
    except IntegrityError as exc:
        duplicate = guard(lambda: InboundMessage.objects.filter(key=key).values_list("pk", "status").first())
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
    record.key = None  # nothing was filed: the key stays free for the message's next delivery
    record.status = InboundStatus.QUARANTINED
    record.reason = f"could not be processed: {type(exc).__name__}"
    record.error = describe_error(exc)
    record.ticket = None
    record.event = None
    record.answer = AnswerState.NONE
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except DatabaseError as error:
        _delete_raw(name)
        raise TemporaryFailure(
            f"database error: {error}", unavailable=isinstance(error, (OperationalError, InterfaceError))
        ) from error
    return IntakeResult(inbound_id=record.pk, status=record.status)


def guard(query: Callable[[], T]) -> T:
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
    except storage_failures() as exc:
        raise TemporaryFailure(f"cannot store the message: {exc}", unavailable=True) from exc


def _delete_raw(name: str) -> None:
    field = InboundMessage._meta.get_field("raw")
    try:
        field.storage.delete(name)
    except OSError:
        logger.warning("Could not remove %s after a failed intake", name, exc_info=True)


def read_raw(record: InboundMessage) -> bytes:
    with record.raw.open("rb") as handle:
        data: bytes = handle.read()
    return data


def _attempts_key(key: str) -> str:
    return f"tuki.mail.intake.attempts:{key}"


def _count_attempt(key: str) -> int:
    return increment(_attempts_key(key), timeout=24 * 3600)


def clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def describe_error(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return clip("".join(lines), 20000)
