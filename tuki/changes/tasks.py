"""The day-ahead reminder of scheduled changes' windows, claimed once however many workers run it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuki.changes.models import Change, ChangeState
from tuki.changes.signals import announce_window_near

logger = logging.getLogger(__name__)

AHEAD = timedelta(days=1)


def _not_reminded() -> Q:
    # Never reminded, or reminded of a window it has since been moved from.
    return Q(reminded_for__isnull=True) | ~Q(reminded_for=F("planned_start"))


def window_reminders(now: datetime) -> int:
    """Claim the reminder of every scheduled change whose window starts within a day, and announce it."""
    due = Change.objects.filter(
        _not_reminded(), state=ChangeState.SCHEDULED, planned_start__gt=now, planned_start__lte=now + AHEAD
    )
    claimed = 0
    for change_id in list(due.values_list("pk", flat=True)):
        try:
            claimed += _claim(change_id)
        except Exception:  # rolled back: the next sweep tries this one again, the rest go on now
            logger.exception("The window reminder of change %s failed", change_id)
    return claimed


@transaction.atomic
def _claim(change_id: int) -> bool:
    # The conditional update is the claim: only one worker sees 1 here, for this window start.
    claimed = Change.objects.filter(_not_reminded(), pk=change_id, state=ChangeState.SCHEDULED)
    if claimed.update(reminded_for=F("planned_start")) != 1:
        return False
    start = Change.objects.values_list("planned_start", flat=True).get(pk=change_id)
    if start is not None:  # a scheduled change always has its window
        announce_window_near(change_id, start)
    return True


@db_periodic_task(crontab(minute="*/10"))
def window_reminder_job() -> None:
    window_reminders(timezone.now())
