"""The requests' background jobs: closing after the reopen window, recomputing deadlines, removing orphaned files,
keeping the search index's pending terms merged."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuki.core.files import orphaned_files
from tuki.tickets.bulk import tickets_close_resolved, tickets_recompute_deadlines
from tuki.tickets.models import Attachment
from tuki.tickets.search import merge_pending

logger = logging.getLogger(__name__)

# A file younger than this may belong to a transaction that is still running.
GRACE = timedelta(days=1)


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


@db_periodic_task(crontab(hour="3", minute="37"))
def attachments_remove_orphans() -> int:
    """Remove attachment files that no attachment row refers to (left by rolled-back transactions)."""
    storage = Attachment._meta.get_field("file").storage
    removed = 0
    for name in orphaned_files(storage, "attachments", _referred, timezone.now() - GRACE):
        storage.delete(name)
        removed += 1
    if removed:
        logger.info("Removed %d attachment files that no request refers to", removed)
    return removed


def _referred(names: list[str]) -> list[str]:
    return list(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
