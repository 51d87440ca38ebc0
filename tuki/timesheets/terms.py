"""What an agreement's terms say about time: the kinds of work it allows, its periods and its time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tuki.agreements.models import Agreement, CarryOver
from tuki.timesheets import ledger
from tuki.timesheets.models import WorkKind


def allowed_kinds(agreement: Agreement) -> list[str]:
    """The help desk is always covered by the fee; maintenance needs a quota, additional work an hourly rate."""
    kinds = [WorkKind.HELP_DESK.value]
    if agreement.quota_hours > 0:
        kinds.append(WorkKind.MAINTENANCE.value)
    if agreement.hourly_rate > 0:
        kinds.append(WorkKind.ADDITIONAL.value)
    return kinds


def agreement_today(agreement: Agreement, now: datetime) -> date:
    """Today where the agreement is served: its service calendar's time zone decides which day work was done."""
    return now.astimezone(ZoneInfo(agreement.service_calendar.timezone)).date()


def period_of(agreement: Agreement, day: date) -> ledger.Period:
    return ledger.period_of(day, agreement.quota_period)


def first_period(agreement: Agreement) -> ledger.Period:
    return ledger.period_of(agreement.valid_from, agreement.quota_period)


def quota_minutes(agreement: Agreement) -> int:
    return ledger.hours_to_minutes(agreement.quota_hours)


def carry_cap(agreement: Agreement) -> int | None:
    if agreement.carry_over != CarryOver.CAPPED:
        return None
    return ledger.hours_to_minutes(agreement.carry_over_cap_hours)
