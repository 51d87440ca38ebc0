"""The background job that sends notification mail; the request services queue it after they commit."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from tuki.mail.notifications import send_event_notifications


# Retries cover a mail server that is briefly away; the per-recipient claim keeps them from mailing twice.
@db_task(retries=3, retry_delay=300)
def notify_event(event_id: int) -> None:
    # Returns nothing on purpose: a returned value would sit in Huey's result store until someone read it.
    send_event_notifications(event_id)
