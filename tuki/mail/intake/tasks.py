"""The periodic IMAP poll (found by the worker here, in the intake's app: see :mod:`tuki.mail.intake`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuki.core.claims import claimed
from tuki.mail.imap import poll_mailbox

logger = logging.getLogger(__name__)

# One poller at a time. A consumer killed mid-poll holds the claim no longer than this, and a poll that takes
# longer only lets a second poller in, which is harmless: each message is filed once by its key, and moved or
# flagged only after its intake has committed.
POLL_CLAIM = timedelta(minutes=15)


@db_periodic_task(crontab(minute="*"))
def poll_mailbox_job() -> bool:
    """Read the configured IMAP mailbox; one poller at a time, the next minute picks up what is left.

    Whether this worker read it."""
    if not settings.TUKI_MAIL_IMAP_HOST:
        return False
    with claimed("mail.poll_mailbox", for_=POLL_CLAIM) as mine:
        if not mine:
            logger.info("The mailbox is being read by another worker")
            return False
        result = poll_mailbox()
    if result.fetched:
        logger.info("Mailbox read: %s", result)
    return True
