"""The mail channel's subscriptions to what the domains announce."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tuki.mail.tasks import estimate_overrun_notice, notify_event, quota_notice, send_sla_notice
from tuki.sla.signals import notice_recorded
from tuki.tickets.signals import event_recorded
from tuki.timesheets.signals import estimate_overrun, quota_notice_recorded


@receiver(event_recorded)
def _notify_of_event(*, event_ids: tuple[int, ...], **kwargs: Any) -> None:
    notify_event(*event_ids)


@receiver(notice_recorded)
def _send_sla_notice(*, notice_id: int, **kwargs: Any) -> None:
    send_sla_notice(notice_id)


@receiver(quota_notice_recorded)
def _send_quota_notice(*, notice_id: int, **kwargs: Any) -> None:
    quota_notice(notice_id)


@receiver(estimate_overrun)
def _send_overrun_notice(*, estimate_id: int, author_id: int, **kwargs: Any) -> None:
    estimate_overrun_notice(estimate_id, author_id)
