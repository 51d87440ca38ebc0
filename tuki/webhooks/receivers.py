"""The webhooks' subscriptions to what the domains announce. Each hands the work to the worker at once, unless no
subscription is on at all (most Tukis, most of the time): a look at this process's copy of that fact (one cache
lookup, tuki.core.versioned) saves a job per event, and a query per write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from tuki.changes.signals import change_moved
from tuki.core.versioned import Versioned
from tuki.reports.signals import report_ready
from tuki.sla.signals import threshold_reached
from tuki.tickets.signals import event_recorded
from tuki.webhooks import tasks
from tuki.webhooks.models import Subscription


def _load_listening() -> bool:
    return Subscription.objects.filter(is_active=True).exists()


LISTENING: Versioned[bool] = Versioned("webhooks-listening", _load_listening)
LISTENING.follows(Subscription)


def _anyone_listens() -> bool:
    return LISTENING.get()


@receiver(event_recorded)
def _request_events(*, event_ids: tuple[int, ...], **kwargs: Any) -> None:
    if _anyone_listens():
        tasks.ticket_events_announced(list(event_ids))


@receiver(threshold_reached)
def _sla_threshold(*, ticket_id: int, kind: str, due: datetime, **kwargs: Any) -> None:
    if _anyone_listens():
        tasks.sla_threshold_reached(ticket_id, kind, due)


@receiver(change_moved)
def _change_moved(*, event_id: int, **kwargs: Any) -> None:
    if _anyone_listens():
        tasks.change_moved(event_id)


@receiver(report_ready)
def _report_ready(*, report_id: int, **kwargs: Any) -> None:
    if _anyone_listens():
        tasks.report_announced(report_id)
