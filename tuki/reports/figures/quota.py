"""The maintenance quota: the period holding the month exactly as the portal's "Quota and costs" page shows it
(:func:`tuki.timesheets.selectors.period_summary`), and the six months before as a trend.

The trend of a monthly quota reads the ledger's periods (the same sums as the page, late corrections where they were
counted); a quarter's or a year's quota is shown per calendar month of the work's day, with a twelfth or a third of
the period's quota as each month's share.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from tuki.agreements.models import Agreement
from tuki.reports.figures.period import Month, add_months, next_month
from tuki.timesheets import ledger
from tuki.timesheets.models import TimeEntry, WorkKind
from tuki.timesheets.selectors import agreement_balances, period_summary
from tuki.timesheets.terms import quota_minutes

TREND_MONTHS = 6


def empty_quota(month: Month) -> dict[str, Any]:
    return {
        "period_start": month.first.isoformat(),
        "period_end": month.last_day.isoformat(),
        "period_kind": ledger.MONTH,
        "quota_minutes": 0,
        "included_minutes": 0,
        "carried_over_minutes": 0,
        "maintenance_minutes": 0,
        "remaining_minutes": 0,
        "over_minutes": 0,
        "help_desk_minutes": 0,
        "trend": _trend(month),
    }


def _governing(agreements: list[Agreement], day: date) -> Agreement | None:
    return next((a for a in agreements if a.is_valid_on(day)), None)


def _trend(month: Month) -> list[dict[str, Any]]:
    first = add_months(month.first, -TREND_MONTHS)
    months = [add_months(first, index) for index in range(TREND_MONTHS + 1)]
    agreements = list(
        Agreement.objects.filter(organisation=month.organisation, valid_from__lt=next_month(month.first))
        .exclude(valid_until__lt=first)
        .order_by("-valid_from", "-pk")
    )
    entries = TimeEntry.objects.filter(organisation=month.organisation)
    # Monthly quotas by the ledger's period, longer ones by the calendar month of the work.
    by_period = entries.filter(period_start__gte=first, period_start__lte=month.first).values_list(
        "period_start", "kind", "agreement__quota_period"
    )
    by_day = (
        entries.filter(day__gte=first, day__lt=next_month(month.first))
        .exclude(agreement__quota_period=ledger.MONTH)
        .annotate(worked=TruncMonth("day"))
        .values_list("worked", "kind")
    )
    minutes: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for start, kind, length, total in by_period.annotate(total=Sum("minutes")).order_by():
        if length == ledger.MONTH:
            minutes[start][kind] += total or 0
    for worked, kind, total in by_day.annotate(total=Sum("minutes")).order_by():
        worked_month = worked.date() if hasattr(worked, "date") else worked
        minutes[worked_month.replace(day=1)][kind] += total or 0
    balances: dict[int, dict[date, ledger.Balance]] = {}
    trend = []
    for each in months:
        agreement = _governing(agreements, next_month(each) - timedelta(days=1))
        included = 0
        if agreement is not None and agreement.quota_period == ledger.MONTH:
            if agreement.pk not in balances:
                through = min(month.first, agreement.valid_until or month.first)
                found = agreement_balances(agreement, through) if agreement.valid_from <= through else []
                balances[agreement.pk] = {balance.period.start: balance for balance in found}
            balance = balances[agreement.pk].get(each)
            included = balance.included if balance else quota_minutes(agreement)
        elif agreement is not None:
            included = quota_minutes(agreement) // ledger.MONTHS_IN[agreement.quota_period]
        trend.append(
            {
                "month": each.isoformat(),
                "included_minutes": included,
                "maintenance_minutes": minutes[each][WorkKind.MAINTENANCE],
                "help_desk_minutes": minutes[each][WorkKind.HELP_DESK],
            }
        )
    return trend


def quota_figures(month: Month) -> dict[str, Any]:
    agreement = month.agreement
    if agreement is None:
        return empty_quota(month)
    summary = period_summary(agreement, month.parts[-1].start)
    balance = summary.balance
    return {
        "period_start": balance.period.start.isoformat(),
        "period_end": balance.period.last_day.isoformat(),
        "period_kind": agreement.quota_period,
        "quota_minutes": balance.quota,
        "included_minutes": balance.included,
        "carried_over_minutes": balance.carried_in,
        "maintenance_minutes": balance.used,
        "remaining_minutes": balance.remaining,
        "over_minutes": balance.over,
        "help_desk_minutes": summary.minutes.get(WorkKind.HELP_DESK, 0),
        "trend": _trend(month),
    }
