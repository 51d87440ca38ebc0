"""Background jobs of the mail: notifications, the intake's automatic answers and the IMAP poll."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from tuki.mail.notifications import send_event_notifications
from tuki.mail.sla_notices import send_digests

logger = logging.getLogger(__name__)


# Retries cover a mail server that is briefly away; the per-recipient claim keeps them from mailing twice.
@db_task(retries=3, retry_delay=300)
def notify_event(event_id: int) -> None:
    # Returns nothing on purpose: a returned value would sit in Huey's result store until someone read it.
    send_event_notifications(event_id)


@db_task(retries=3, retry_delay=300)
def answer_inbound(inbound_id: int) -> None:
    """The automatic answer to a refused or oversized inbound message (claimed once; see tuki.mail.answers)."""
    from tuki.mail.answers import send_automatic_answer

    send_automatic_answer(inbound_id)


@db_periodic_task(crontab(minute="0"))
def sla_digest_job() -> None:
    send_digests(timezone.now())


@db_periodic_task(crontab(minute="*"))
def poll_mailbox_job() -> None:
    """Read the configured IMAP mailbox; one poller at a time, the next minute picks up what is left."""
    if not settings.TUKI_MAIL_IMAP_HOST:
        return
    from tuki.mail.imap import poll_mailbox

    try:
        with HUEY.lock_task("tuki.mail.poll_mailbox"):
            result = poll_mailbox()
    except TaskLockedException:
        logger.info("The mailbox is being read by another worker")
        return
    if result.fetched:
        logger.info("Mailbox read: %s", result)
