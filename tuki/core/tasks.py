"""Housekeeping jobs that the worker runs on a schedule."""

import logging
from datetime import timedelta

from django.core import management
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuki.core.files import remove_orphaned_files

logger = logging.getLogger(__name__)

# A file younger than this may belong to a transaction that is still running.
ORPHAN_GRACE = timedelta(days=1)


@db_periodic_task(crontab(hour="3", minute="17"))
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@db_periodic_task(crontab(hour="3", minute="27"))
def clear_old_login_failures() -> None:
    # Lockouts expire on their own; the rows behind them are only clutter after the cool-off.
    management.call_command("axes_reset_failure_logs", age=30)


@db_periodic_task(crontab(hour="3", minute="37"))
def files_remove_orphans() -> int:
    """Remove stored files that no row refers to (left by rolled-back transactions and interrupted intakes)."""
    removed = remove_orphaned_files(timezone.now() - ORPHAN_GRACE)
    if removed:
        logger.info("Removed %d stored files that no row refers to", removed)
    return removed
