"""The webhooks' jobs: turning the domains' announcements into deliveries, sending them, and retrying.

Everything here runs in the worker, after the write that caused it has committed; the page or the mail intake that
made the change does not wait for any customer's server.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuki.changes.models import ChangeEvent, ChangeState
from tuki.reports.models import MonthlyReport
from tuki.sla.models import NoticeKind
from tuki.tickets.models import EventKind, Ticket, TicketEvent
from tuki.webhooks.delivery import deliveries_create, delivery_send, due_deliveries
from tuki.webhooks.models import Delivery, DeliveryState, EventType
from tuki.webhooks.payloads import change_data, envelope, reply_data, report_data, request_data

logger = logging.getLogger(__name__)

TICKET_EVENTS = {
    EventKind.CREATED: EventType.REQUEST_CREATED,
    EventKind.REPLY: EventType.REQUEST_REPLIED,
    EventKind.TRANSITION: EventType.REQUEST_STATE_CHANGED,
}
CHANGE_MOVES = {
    ChangeState.SCHEDULED: EventType.CHANGE_SCHEDULED,
    ChangeState.IMPLEMENTED: EventType.CHANGE_IMPLEMENTED,
}
SLA_CLOCKS = {
    NoticeKind.FIRST_RESPONSE_WARNING: ("first_response", EventType.SLA_WARNING),
    NoticeKind.FIRST_RESPONSE_BREACH: ("first_response", EventType.SLA_BREACH),
    NoticeKind.RESOLUTION_WARNING: ("resolution", EventType.SLA_WARNING),
    NoticeKind.RESOLUTION_BREACH: ("resolution", EventType.SLA_BREACH),
}
REQUEST_RELATIONS = ("organisation", "requester__user", "environment")


def _send_after_commit(delivery_ids: Sequence[int]) -> None:
    for delivery_id in delivery_ids:
        transaction.on_commit(partial(deliver, delivery_id))


@db_task()
@transaction.atomic
def ticket_events_announced(event_ids: Sequence[int]) -> None:
    events = TicketEvent.objects.filter(pk__in=event_ids, kind__in=list(TICKET_EVENTS), public=True)
    made: list[int] = []
    for event in events.select_related("actor", *(f"ticket__{name}" for name in REQUEST_RELATIONS)):
        event_type = TICKET_EVENTS[EventKind(event.kind)]
        data = {"request": request_data(event.ticket)}
        if event.kind == EventKind.REPLY:
            data["message"] = reply_data(event)
        elif event.kind == EventKind.TRANSITION:
            data["from"], data["to"] = event.data.get("from"), event.data.get("to")
        body = envelope(event_type, event.created_at, data)
        source = f"ticket_event:{event.pk}"
        made += deliveries_create(
            organisation_id=event.ticket.organisation_id,
            event_type=event_type,
            source=source,
            body=body,
            now=timezone.now(),
        )
    _send_after_commit(made)


@db_task()
@transaction.atomic
def sla_threshold_reached(ticket_id: int, kind: str, due: datetime) -> None:
    ticket = Ticket.objects.select_related(*REQUEST_RELATIONS).get(pk=ticket_id)
    clock, event_type = SLA_CLOCKS[NoticeKind(kind)]
    now = timezone.now()
    body = envelope(event_type, now, {"request": request_data(ticket), "clock": clock, "due": due.isoformat()})
    made = deliveries_create(
        organisation_id=ticket.organisation_id,
        event_type=event_type,
        source=f"sla:{ticket_id}:{kind}",
        body=body,
        now=now,
    )
    _send_after_commit(made)


@db_task()
@transaction.atomic
def change_moved(event_id: int) -> None:
    event = ChangeEvent.objects.select_related("change__organisation").get(pk=event_id)
    target = event.data.get("to") if event.kind == "transition" else None
    if target not in CHANGE_MOVES:
        return
    event_type = CHANGE_MOVES[ChangeState(target)]
    body = envelope(event_type, event.created_at, {"change": change_data(event.change)})
    made = deliveries_create(
        organisation_id=event.change.organisation_id,
        event_type=event_type,
        source=f"change_event:{event_id}",
        body=body,
        now=timezone.now(),
    )
    _send_after_commit(made)


@db_task()
@transaction.atomic
def report_announced(report_id: int) -> None:
    report = MonthlyReport.objects.select_related("organisation").get(pk=report_id)
    body = envelope(EventType.REPORT_READY, report.made_at, {"report": report_data(report)})
    made = deliveries_create(
        organisation_id=report.organisation_id,
        event_type=EventType.REPORT_READY,
        source=f"report:{report_id}",
        body=body,
        now=timezone.now(),
    )
    _send_after_commit(made)


@db_task()
def deliver(delivery_id: int) -> None:
    """One attempt; a failed one is tried again at its next time, by a scheduled run or by the sweep."""
    if delivery_send(delivery_id, now=timezone.now()) is False:
        retry = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).values("next_attempt_at")
        when = retry.first()
        if when and when["next_attempt_at"]:
            deliver.schedule((delivery_id,), eta=when["next_attempt_at"])


def deliveries_retry(now: datetime) -> int:
    """Send every delivery whose time has come. Safe to run in several workers at once: each is claimed."""
    sent = 0
    for delivery_id in due_deliveries(now):
        try:
            sent += delivery_send(delivery_id, now=now) is not None
        except Exception:  # one broken delivery must not hold up the others
            logger.exception("Webhook delivery %s failed", delivery_id)
    return sent


@db_periodic_task(crontab(minute="*"))
def deliveries_retry_job() -> None:
    deliveries_retry(timezone.now())
