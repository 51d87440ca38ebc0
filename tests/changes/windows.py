"""Changes with planned windows for the calendar's tests: made through the services, moved as the lifecycle allows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeKind
from tuki.changes.services import change_create, change_transition
from tuki.environments.models import Environment


def planned(
    agent: User,
    environment: Environment,
    *,
    start: datetime | None = None,
    hours: float | None = 2,
    title: str = "Upgrade the intranet",
    kind: str = ChangeKind.NORMAL,
    **extra: Any,
) -> Change:
    """A draft change with its window: from ``start`` (three days ahead by default) for ``hours`` (None: open)."""
    start = start or timezone.now().replace(microsecond=0) + timedelta(days=3)
    end = None if hours is None else start + timedelta(hours=hours)
    return change_create(
        actor=agent,
        organisation=environment.organisation,
        title=title,
        kind=kind,
        environments=[environment],
        planned_start=start,
        planned_end=end,
        **extra,
    )


def scheduled(agent: User, environment: Environment, *, approver: User | None = None, **options: Any) -> Change:
    """A change put through to scheduled: a normal one approved by ``approver`` (the customer's first manager)."""
    change = planned(agent, environment, **options)
    change_transition(actor=agent, change=change, to="proposed")
    if change.kind == ChangeKind.NORMAL:
        manager = approver or environment.organisation.contacts.filter(is_customer_manager=True).first().user
        change_transition(actor=manager, change=change, to="approved")
    return change_transition(actor=agent, change=change, to="scheduled")
