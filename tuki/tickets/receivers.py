"""The requests domain's subscriptions: when an agreement or a calendar changes, open deadlines are recomputed."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tuki.agreements.signals import agreement_changed, calendar_changed
from tuki.tickets.tasks import recompute_deadlines_for_agreement, recompute_deadlines_for_calendar


@receiver(agreement_changed)
def _agreement_changed(*, agreement_id: int, **kwargs: Any) -> None:
    recompute_deadlines_for_agreement(agreement_id)


@receiver(calendar_changed)
def _calendar_changed(*, calendar_id: int, **kwargs: Any) -> None:
    recompute_deadlines_for_calendar(calendar_id)
