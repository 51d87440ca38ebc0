"""Mail about SLA warnings and breaches, in each reader's own language: one at a time, or an hourly digest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuki.accounts.models import User
from tuki.mail.threading import automatic_headers
from tuki.sla.models import NoticeKind, SlaNotice

TEMPLATE = "mail/email/sla_notice.txt"
logger = logging.getLogger(__name__)


@transaction.atomic
def send_notice(notice_id: int) -> None:
    """Mail one notice. The claim and the sending share a transaction: a mail server that fails undoes the claim,
    and the job's retry mails it; a notice already mailed is never mailed again."""
    now = timezone.now()
    if not SlaNotice.objects.filter(pk=notice_id, sent_at__isnull=True).update(sent_at=now):
        return
    notice = SlaNotice.objects.select_related("ticket", "recipient", "ticket__organisation").get(pk=notice_id)
    with translation.override(notice.recipient.language):
        subject = f"[{notice.ticket.identifier}] {NoticeKind(notice.kind).label}: {notice.ticket.subject}"
        body = render_to_string(TEMPLATE, _context([notice]))
    EmailMessage(subject, body, to=[notice.recipient.email], headers=automatic_headers()).send()


def send_digests(now: datetime) -> int:
    """One mail per digest reader with every notice still unsent; returns how many mails went out.

    A reader whose mail fails keeps their notices for the next hour's digest; the other readers get theirs.
    """
    sent = 0
    readers = User.objects.filter(sla_notices__sent_at__isnull=True, sla_digest=True).distinct()
    for reader in list(readers):
        try:
            sent += _send_digest(reader, now)
        except Exception:
            logger.exception("The SLA digest of user %s failed; its notices wait for the next one", reader.pk)
    return sent


@transaction.atomic
def _send_digest(reader: User, now: datetime) -> bool:
    pending = list(SlaNotice.objects.filter(recipient=reader, sent_at__isnull=True).values_list("pk", flat=True))
    if not SlaNotice.objects.filter(pk__in=pending, sent_at__isnull=True).update(sent_at=now):
        return False  # another worker took them
    notices = list(
        SlaNotice.objects.filter(pk__in=pending, sent_at=now).select_related("ticket", "ticket__organisation")
    )
    with translation.override(reader.language):
        subject = _("SLA digest: %(count)d warnings and breaches") % {"count": len(notices)}
        body = render_to_string(TEMPLATE, _context(notices))
    EmailMessage(subject, body, to=[reader.email], headers=automatic_headers()).send()
    return True


def _context(notices: Sequence[SlaNotice]) -> dict[str, object]:
    return {
        "items": [
            {
                "notice": notice,
                "label": NoticeKind(notice.kind).label,
                "url": settings.TUKI_BASE_URL + reverse("desk:ticket", args=[notice.ticket.identifier]),
            }
            for notice in notices
        ]
    }
