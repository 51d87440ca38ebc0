"""The mail channel's subscriptions to what the domains announce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from tuki.changes.signals import change_moved, window_near
from tuki.mail.tasks import (
    change_move_notice,
    change_window_notice,
    estimate_overrun_notice,
    notify_event,
    quota_notice,
    report_notice,
    send_sla_notice,
    webhook_disabled_notice,
)
from tuki.reports.signals import report_notice_recorded
from tuki.sla.signals import notice_recorded
from tuki.tickets.signals import event_recorded
from tuki.timesheets.signals import estimate_overrun, quota_notice_recorded
from tuki.webhooks.signals import subscription_disabled


@receiver(event_recorded)
def _notify_of_event(*, event_ids: tuple[int, ...], **kwargs: Any) -> None:
    notify_event(*event_ids)


@receiver(notice_recorded)
def _send_sla_notice(*, notice_id: int, **kwargs: Any) -> None:
    send_sla_notice(notice_id)


@receiver(quota_notice_recorded)
def _send_quota_notice(*, notice_id: int, **kwargs: Any) -> None:
    quota_notice(notice_id)


@receiver(report_notice_recorded)
def _send_report_notice(*, notice_id: int, **kwargs: Any) -> None:
    report_notice(notice_id)


@receiver(estimate_overrun)
def _send_overrun_notice(*, estimate_id: int, author_id: int, **kwargs: Any) -> None:
    estimate_overrun_notice(estimate_id, author_id)


@receiver(change_moved)
def _send_change_notice(*, event_id: int, **kwargs: Any) -> None:
    change_move_notice(event_id)


@receiver(window_near)
def _send_window_reminder(*, change_id: int, start: datetime, **kwargs: Any) -> None:
    change_window_notice(change_id, start)


@receiver(subscription_disabled)
def _tell_webhook_owner(*, owner_id: int, organisation_id: int | None, url: str, reason: str, **kwargs: Any) -> None:
    webhook_disabled_notice(owner_id, organisation_id, url, reason)
