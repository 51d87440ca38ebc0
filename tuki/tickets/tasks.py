"""The requests' background jobs: closing after the reopen window, recomputing deadlines, keeping the search index's
pending terms merged."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuki.tickets.bulk import tickets_close_resolved, tickets_recompute_deadlines
from tuki.tickets.search import merge_pending

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5"))
def close_resolved_job() -> None:
    tickets_close_resolved(now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def search_merge_pending_job() -> int:
    """Every minute, so that no filing or reply waits for the merge of megabytes of pending terms (PostgreSQL)."""
    return merge_pending()


@db_task()
def recompute_deadlines_for_calendar(calendar_id: int) -> None:
    tickets_recompute_deadlines(calendar_id=calendar_id, now=timezone.now())


@db_task()
def recompute_deadlines_for_agreement(agreement_id: int) -> None:
    tickets_recompute_deadlines(agreement_id=agreement_id, now=timezone.now())
