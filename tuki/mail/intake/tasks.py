"""The periodic IMAP poll (found by the worker here, in the intake's app: see :mod:`tuki.mail.intake`)."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

from tuki.mail.imap import poll_mailbox

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def poll_mailbox_job() -> None:
    """Read the configured IMAP mailbox; one poller at a time, the next minute picks up what is left."""
    if not settings.TUKI_MAIL_IMAP_HOST:
        return
    try:
        with HUEY.lock_task("tuki.mail.poll_mailbox"):
            result = poll_mailbox()
    except TaskLockedException:
        logger.info("The mailbox is being read by another worker")
        return
    if result.fetched:
        logger.info("Mailbox read: %s", result)
