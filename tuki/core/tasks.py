"""Housekeeping jobs that the worker runs on a schedule: each nightly one once a night however many consumers
queue it, and each minute the jobs of a consumer that died mid-job, and those kept while the queue was away, back
on the queue."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import management
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, close_db, db_periodic_task

from tuki.core.claims import claimed
from tuki.core.deferred import enqueue_deferred
from tuki.core.files import remove_orphaned_files
from tuki.core.queue import requeue_orphans

logger = logging.getLogger(__name__)

# A file younger than this may belong to a transaction that is still running.
ORPHAN_GRACE = timedelta(days=1)
# Each consumer queues these at the same minute: the first to start keeps the claim for most of a day, the rest
# find it taken and do nothing. (Two sweeps at once would trip over each other's deletions.)
NIGHTLY = timedelta(hours=20)


@db_periodic_task(crontab(hour="3", minute="17"))
def clear_expired_sessions() -> bool:
    with claimed("core.clear_expired_sessions", for_=NIGHTLY, release_after=False) as mine:
        if mine:
            management.call_command("clearsessions")
        return mine


@db_periodic_task(crontab(hour="3", minute="27"))
def clear_old_login_failures() -> bool:
    with claimed("core.clear_old_login_failures", for_=NIGHTLY, release_after=False) as mine:
        if mine:
            # Lockouts expire on their own; the rows behind them are only clutter after the cool-off.
            management.call_command("axes_reset_failure_logs", age=30)
        return mine


@db_periodic_task(crontab(hour="3", minute="37"))
def files_remove_orphans() -> int | None:
    """Remove stored files that no row refers to (left by rolled-back transactions and interrupted intakes).

    How many went; None when another worker has tonight's sweep."""
    with claimed("core.files_remove_orphans", for_=NIGHTLY, release_after=False) as mine:
        if not mine:
            return None
        removed = remove_orphaned_files(timezone.now() - ORPHAN_GRACE)
    if removed:
        logger.info("Removed %d stored files that no row refers to", removed)
    return removed


def _recover() -> None:
    requeue_orphans(HUEY, settings.TUKI_JOBS_ORPHANED_AFTER)
    enqueue_deferred(HUEY)


@db_periodic_task(crontab(minute="*"))
def jobs_recover() -> None:
    """Every consumer runs this each minute; each job is taken off the journal or the table atomically, so once
    is once."""
    _recover()


@HUEY.on_startup()
@close_db
def jobs_recover_at_start() -> None:
    """A consumer restarted after a crash finds the jobs of the dead one without waiting for the minute."""
    _recover()
