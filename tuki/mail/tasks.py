"""Background jobs of the mail: notifications, SLA digests and the intake's automatic answers.

The IMAP poll, which files requests, is a job of :mod:`tuki.mail.intake.tasks`.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.api import Task
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from tuki.core.apart import run_apart
from tuki.mail.answers import send_automatic_answer
from tuki.mail.change_notices import send_move_notice, send_window_reminder
from tuki.mail.estimate_notices import send_overrun_notice
from tuki.mail.notifications import send_event_notifications
from tuki.mail.quota_notices import send_quota_notice
from tuki.mail.report_notices import send_report_notice
from tuki.mail.sla_notices import send_digests, send_notice
from tuki.mail.webhook_notices import send_disabled_notice

NOTICES_TIMEOUT = 30 * 60  # every customer manager's PDF, made afresh in the reader's language


# Retries cover a mail server that is briefly away; the per-recipient claim keeps them from mailing twice.
@db_task(retries=3, retry_delay=300, context=True)
def notify_event(event_id: int, *together: int, task: Task) -> None:
    """Mail about one event, or about the events of one act (``together``): one mail per person either way."""
    # Returns nothing on purpose: a returned value would sit in Huey's result store until someone read it.
    send_event_notifications(event_id, *together, job=task.id)


@db_task(retries=3, retry_delay=300)
def answer_inbound(inbound_id: int) -> None:
    """The automatic answer to a refused or oversized inbound message (claimed once; see tuki.mail.answers)."""
    send_automatic_answer(inbound_id)


@db_task(retries=3, retry_delay=300)
def send_sla_notice(notice_id: int) -> None:
    send_notice(notice_id)


@db_task(retries=3, retry_delay=300)
def quota_notice(notice_id: int) -> None:
    send_quota_notice(notice_id)


@db_task(retries=3, retry_delay=300)
def report_notice(notice_id: int) -> None:
    """The monthly report's mail, whose PDF is made in a process of its own (tuki.core.apart): WeasyPrint and a
    report's layout would add 60 MB to the worker for good. The child mails every notice not mailed yet."""
    if HUEY.immediate:  # jobs run in the web process itself (development, tests): no worker's memory to spare
        send_report_notice(notice_id)
    elif not run_apart("report_notices_send", timeout=NOTICES_TIMEOUT):
        raise RuntimeError("Some monthly report mails were not sent; the job tries again.")


# No retries: the warning is claimed once when the work is logged, and a retry could mail a reader twice.
@db_task()
def estimate_overrun_notice(estimate_id: int, author_id: int) -> None:
    send_overrun_notice(estimate_id, author_id)


# No retries: the move is announced once and the reminder claimed once, and a retry could mail a reader twice.
@db_task()
def change_move_notice(event_id: int) -> None:
    send_move_notice(event_id)


@db_task()
def change_window_notice(change_id: int, start: datetime) -> None:
    send_window_reminder(change_id, start)


@db_periodic_task(crontab(minute="0"))
def sla_digest_job() -> None:
    send_digests(timezone.now())


# No retries: a subscription is turned off once, and a retry could mail its owner twice.
@db_task()
def webhook_disabled_notice(owner_id: int, organisation_id: int | None, url: str, reason: str) -> None:
    send_disabled_notice(owner_id=owner_id, organisation_id=organisation_id, url=url, reason=reason)
