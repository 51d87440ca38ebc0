"""The requests' background jobs: closing after the reopen window, recomputing deadlines."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuki.tickets.bulk import tickets_close_resolved, tickets_recompute_deadlines

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5"))
def close_resolved_job() -> None:
    tickets_close_resolved(now=timezone.now())


@db_task()
def recompute_deadlines_for_calendar(calendar_id: int) -> None:
    tickets_recompute_deadlines(calendar_id=calendar_id, now=timezone.now())


@db_task()
def recompute_deadlines_for_agreement(agreement_id: int) -> None:
    tickets_recompute_deadlines(agreement_id=agreement_id, now=timezone.now())
