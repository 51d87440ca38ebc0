"""Background jobs of the SLA engine: the sweep that warns and flags breaches, digests, recomputation."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuki.sla.deadlines import recompute_many
from tuki.sla.models import NoticeKind
from tuki.sla.notifications import notify, send_digests
from tuki.tickets.models import OPEN_STATES, Ticket
from tuki.tickets.services import tickets_close_resolved

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
        for ticket_id in due.values_list("pk", flat=True):
            with transaction.atomic():
                # The conditional update is the claim: only one worker sees 1 here.
                if Ticket.objects.filter(pk=ticket_id, **{flag: False}).update(**{flag: True}) != 1:
                    continue
                ticket = Ticket.objects.select_related("assignee").get(pk=ticket_id)
                notify(ticket, kind, getattr(ticket, moment), now)
                claimed += 1
    return claimed


@db_periodic_task(crontab(minute="*"))
def sla_sweep_job() -> None:
    sla_sweep(timezone.now())


@db_periodic_task(crontab(minute="0"))
def sla_digest_job() -> None:
    send_digests(timezone.now())


@db_periodic_task(crontab(minute="5"))
def close_resolved_job() -> None:
    tickets_close_resolved(now=timezone.now())


def _recompute(tickets: list[Ticket], now: datetime) -> int:
    changed = 0
    for ticket, fields in recompute_many(tickets, now):
        if fields:
            ticket.save(update_fields=fields)
            changed += 1
    return changed


def _open_tickets() -> object:
    return (
        Ticket.objects.filter(state__in=OPEN_STATES)
        .select_related("agreement", "agreement__service_calendar", "agreement__on_call_calendar")
        .prefetch_related("pauses", "agreement__targets")
    )


@db_task()
def recompute_deadlines_for_calendar(calendar_id: int) -> int:
    from django.db.models import Q

    tickets = _open_tickets().filter(  # type: ignore[attr-defined]
        Q(agreement__service_calendar_id=calendar_id) | Q(agreement__on_call_calendar_id=calendar_id)
    )
    return _recompute(list(tickets), timezone.now())


@db_task()
def recompute_deadlines_for_agreement(agreement_id: int) -> int:
    tickets = _open_tickets().filter(agreement_id=agreement_id)  # type: ignore[attr-defined]
    return _recompute(list(tickets), timezone.now())
