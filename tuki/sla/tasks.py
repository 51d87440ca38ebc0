"""The SLA sweep: warnings at 75 % and breaches at 100 %, each claimed once however many workers run it."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuki.sla.models import NoticeKind
from tuki.sla.services import notices_record
from tuki.tickets.models import OPEN_STATES, Ticket

logger = logging.getLogger(__name__)

# (notice, stored instant, claim flag, field that makes the notice moot once set)
SWEEP = [
    (NoticeKind.FIRST_RESPONSE_WARNING, "first_response_warn_at", "first_response_warned", "first_responded_at"),
    (NoticeKind.FIRST_RESPONSE_BREACH, "first_response_due", "first_response_breached", "first_responded_at"),
    (NoticeKind.RESOLUTION_WARNING, "resolution_warn_at", "resolution_warned", None),
    (NoticeKind.RESOLUTION_BREACH, "resolution_due", "resolution_breached", None),
]


def sla_sweep(now: datetime) -> int:
    """Claim every warning and breach that is due, and notify. Safe to run in several workers at once."""
    claimed = 0
    for kind, moment, flag, moot in SWEEP:
        due = Ticket.objects.filter(state__in=OPEN_STATES, **{f"{moment}__lte": now, flag: False})
        if moot:
            due = due.filter(**{f"{moot}__isnull": True})
        for ticket_id in list(due.values_list("pk", flat=True)):
            try:
                claimed += _claim(ticket_id, kind, moment, flag, now)
            except Exception:  # the claim is rolled back: the next sweep tries this one again, the rest go on now
                logger.exception("The SLA notice %s of request %s failed", kind, ticket_id)
    return claimed


@transaction.atomic
def _claim(ticket_id: int, kind: NoticeKind, moment: str, flag: str, now: datetime) -> bool:
    # The conditional update is the claim: only one worker sees 1 here.
    if Ticket.objects.filter(pk=ticket_id, **{flag: False}).update(**{flag: True}) != 1:
        return False
    ticket = Ticket.objects.select_related("assignee").get(pk=ticket_id)
    notices_record(ticket, kind, getattr(ticket, moment), now)
    return True


@db_periodic_task(crontab(minute="*"))
def sla_sweep_job() -> None:
    sla_sweep(timezone.now())
