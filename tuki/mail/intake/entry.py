"""The two ways in: :func:`intake` (the IMAP poller's, :mod:`tuki.mail.imap`) and :func:`pipe_intake` (what
``manage.py mail_intake`` does with the mail server's pipe). Both parse, key and store the message once, and
hand it to the decisions; a parser that fails or runs out of time must not lose the mail: it is quarantined."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from tuki.mail.authentication import DnsLookup
from tuki.mail.intake.decisions import process, process_oversized, sender_verdict
from tuki.mail.intake.headers import parse_head, peek_message_id, summary
from tuki.mail.intake.store import (
    IntakeResult,
    TemporaryFailure,
    clip,
    guard,
    message_key,
    raw_fingerprint,
    take,
)
from tuki.mail.models import InboundSource
from tuki.mail.parsing import ParsedMessage, ParseTimeout, parse_message

logger = logging.getLogger(__name__)

EX_OK = 0
EX_TEMPFAIL = 75  # sysexits.h: the mail server keeps the message and tries again later


def intake(raw: bytes, *, source: str, now: datetime | None = None, dnsfunc: DnsLookup | None = None) -> IntakeResult:
    """Take in one raw RFC 822 message. Raises :class:`TemporaryFailure` (and writes nothing) on database errors.

    ``dnsfunc`` looks up DKIM keys (dkimpy's default, the DNS, when None).
    """
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
        verdict = guard(lambda: sender_verdict(raw, parsed, dnsfunc=dnsfunc))  # before the transaction: DNS
    else:
        message_id, fingerprint = peek_message_id(raw), raw_fingerprint(raw)
    fields = {"message_id": clip(message_id, 998), "fingerprint": fingerprint, **summary(parsed, raw)}
    return take(
        raw,
        key=message_key(fields["sender"], message_id, fingerprint),
        source=source,
        now=now,
        fields=fields,
        process=(lambda record: process(record, parsed, now, verdict=verdict)) if parsed is not None else None,
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


def _intake_oversized(raw: bytes, *, source: str, now: datetime) -> IntakeResult:
    """Keep a message over the size limit unparsed, and tell the sender (within the loop rules)."""
    head = parse_head(raw)
    message_id = head.message_id if head is not None else ""
    fingerprint = raw_fingerprint(raw)
    limit = settings.TUKI_MAIL_MAX_BYTES
    fields = {"message_id": clip(message_id, 998), "fingerprint": fingerprint, **summary(head, raw)}
    return take(
        raw,
        key=message_key(fields["sender"], message_id, fingerprint),
        source=source,
        now=now,
        fields=fields,
        process=lambda record: process_oversized(record, head, limit),
    )
