"""Writes on many requests at once, run by the worker: closing after the reopen window, recomputing deadlines.

Several workers may run these at once, and agents keep working meanwhile. Each request is claimed by locking
its row and checking it again under the lock; a request that changed under a job is skipped, and one request's
failure is logged without stopping the rest.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from tuki.agreements.selectors import agreement_get
from tuki.tickets.deadlines import recompute_many
from tuki.tickets.lifecycle import TransitionError
from tuki.tickets.models import OPEN_STATES, State, Ticket
from tuki.tickets.services import ticket_transition

logger = logging.getLogger(__name__)

BATCH = 500


def tickets_close_resolved(*, now: datetime) -> int:
    """Close the resolved requests whose reopen window has passed; returns how many were closed."""
    closed = 0
    candidates = Ticket.objects.filter(state=State.RESOLVED, resolved_at__lte=now).values_list("pk", flat=True)
    for ticket_id in list(candidates):
        try:
            closed += _close_if_due(ticket_id, now)
        except Exception:
            logger.exception("Closing request %s after its reopen window failed", ticket_id)
    return closed


@transaction.atomic
def _close_if_due(ticket_id: int, now: datetime) -> bool:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id, state=State.RESOLVED).first()
    if ticket is None or ticket.resolved_at is None:
        return False  # reopened, closed or cancelled since it was listed
    agreement = agreement_get(ticket.agreement_id) if ticket.agreement_id else None
    window = timedelta(days=agreement.reopen_window_days if agreement else 0)
    if now < ticket.resolved_at + window:
        return False
    try:
        ticket_transition(actor=None, ticket=ticket, to=State.CLOSED, now=now)
    except TransitionError:
        return False
    return True


def tickets_recompute_deadlines(
    *, now: datetime, agreement_id: int | None = None, calendar_id: int | None = None
) -> int:
    """Recompute the stored deadlines of the open requests measured by an agreement or on a calendar (after it
    changed); returns how many requests' deadlines moved."""
    scope = Q(agreement_id=agreement_id) if agreement_id is not None else Q()
    if calendar_id is not None:
        scope &= Q(agreement__service_calendar_id=calendar_id) | Q(agreement__on_call_calendar_id=calendar_id)
    ids = list(Ticket.objects.filter(scope, state__in=OPEN_STATES).order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), BATCH):
        try:
            changed += _recompute_batch(ids[start : start + BATCH], now)
        except Exception:
            logger.exception("Recomputing the deadlines of requests %s..%s failed", ids[start], ids[-1])
    return changed


@transaction.atomic
def _recompute_batch(ids: list[int], now: datetime) -> int:
    # Locked and read again: the deadlines are computed from the rows as they are now, not as they were listed.
    locked: QuerySet[Ticket] = Ticket.objects.select_for_update().filter(pk__in=ids, state__in=OPEN_STATES)
    tickets = list(locked.order_by("pk").prefetch_related("pauses"))
    for ticket in tickets:
        ticket.agreement = agreement_get(ticket.agreement_id) if ticket.agreement_id else None
    changed = 0
    for ticket, fields in recompute_many(tickets, now):
        if fields:
            ticket.save(update_fields=fields)
            changed += 1
    # Each prefetched pause points back at its request: a cycle per row that only the garbage collector frees, so
    # the batch would outlive this call, and with two worker threads recomputing, the worker grew by 30 MB.
    for ticket in tickets:
        vars(ticket).pop("_prefetched_objects_cache", None)
    return changed
