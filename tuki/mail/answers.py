"""The intake's automatic answers: to refused senders and to mail over the size limit.

RFC 3834 rules: an answer goes only to a person (never to automatic mail or to Tuki's own, which the intake
has already sorted out), says it is automatic (``Auto-Submitted: auto-replied``, Tuki's loop header,
``X-Auto-Response-Suppress: All`` for Exchange), names the original in In-Reply-To, and goes out at most a few
times per sender and hour (:func:`tuki.mail.loops.may_auto_answer`). Finnish and English in one message,
because the sender is nobody we know.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tuki.mail.loops import may_auto_answer
from tuki.mail.models import AnswerState, InboundMessage, InboundStatus
from tuki.mail.threading import automatic_headers, mail_domain

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "Automaattinen vastaus / Automatic reply"


def send_automatic_answer(inbound_id: int) -> bool:
    """Send the answer queued for an inbound message, once; returns whether a mail went out.

    The conditional update is the claim, so a retried job or a second worker never answers twice. When the
    sender has had their share of answers this hour, the message is marked as not answered instead.
    """
    claimed = InboundMessage.objects.filter(pk=inbound_id, answer=AnswerState.QUEUED).update(
        answer=AnswerState.SENT, answered_at=timezone.now()
    )
    if not claimed:
        return False
    record = InboundMessage.objects.get(pk=inbound_id)
    if not may_auto_answer(record.sender, limit=settings.TUKI_MAIL_ANSWERS_PER_HOUR, window_seconds=3600):
        InboundMessage.objects.filter(pk=inbound_id).update(answer=AnswerState.LIMITED, answered_at=None)
        logger.info("No automatic answer to %s: the hourly limit is reached", record.sender)
        return False
    try:
        build_answer(record).send()
    except Exception:
        # Release the claim so that the job's retry tries again; the retry carries the same Message-ID.
        InboundMessage.objects.filter(pk=inbound_id).update(answer=AnswerState.QUEUED, answered_at=None)
        raise
    return True


def megabytes(size: int, decimal_mark: str) -> str:
    """A size in MB written the Finnish or the English way (the answer is in both, whatever the locale)."""
    value = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return value.replace(".", decimal_mark) + "\u00a0MB"


def answer_message_id(record: InboundMessage) -> str:
    digest = salted_hmac("tuki.mail.answers", str(record.pk), algorithm="sha256").hexdigest()
    return f"<tuki.answer.{record.pk}.{digest[:20]}@{mail_domain()}>"


def build_answer(record: InboundMessage) -> EmailMessage:
    kind = "oversized" if record.status == InboundStatus.OVERSIZED else "refused"
    context = {
        "kind": kind,
        "size_fi": megabytes(record.size, ","),
        "limit_fi": megabytes(settings.TUKI_MAIL_MAX_BYTES, ","),
        "size_en": megabytes(record.size, "."),
        "limit_en": megabytes(settings.TUKI_MAIL_MAX_BYTES, "."),
        "supplier_name": settings.TUKI_SUPPLIER_NAME,
        "support_email": settings.TUKI_SUPPORT_EMAIL,
    }
    text = render_to_string("mail/email/automatic_answer.txt", context)
    original = " ".join(record.subject.split())
    subject = f"{SUBJECT_PREFIX}: {original}" if original else SUBJECT_PREFIX
    headers = {
        "Message-ID": answer_message_id(record),
        "Precedence": "auto_reply",
        "Content-Language": "fi, en",
        **automatic_headers("auto-replied"),
    }
    if record.message_id:
        headers["In-Reply-To"] = record.message_id
        headers["References"] = record.message_id
    return EmailMessage(subject[:250], text, to=[record.sender], headers=headers)
