"""The month a report covers: its bounds in the agreement's time zone, and the agreements in force in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from tuki.accounts.models import Organisation
from tuki.agreements.models import Agreement
from tuki.timesheets.ledger import MONTH, hours_to_minutes


class ReportMonthError(ValueError):
    """The month asked for cannot be reported (it has not begun)."""


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Part:
    """The days of the month (``start`` to ``end`` inclusive) that one agreement governed."""

    agreement: Agreement
    start: date
    end: date


@dataclass(frozen=True)
class Month:
    organisation: Organisation
    first: date
    zone: ZoneInfo
    start: datetime  # the first moment of the month in its time zone (aware)
    end: datetime  # the first moment of the next month
    now: datetime
    parts: list[Part]

    @property
    def last_day(self) -> date:
        return next_month(self.first) - timedelta(days=1)

    @property
    def until(self) -> datetime:
        """The end of what is known: the month's end, or now while the month runs."""
        return min(self.end, self.now)

    @property
    def agreement(self) -> Agreement | None:
        """The agreement that governed the month's end (the last part), whose quota the report shows."""
        return self.parts[-1].agreement if self.parts else None


def _parts(organisation: Organisation, first: date, last: date) -> list[Part]:
    """Day by day, the latest-starting agreement in force (as everywhere in Tuki); consecutive days of one agreement
    make one part."""
    candidates = list(
        Agreement.objects.filter(organisation=organisation, valid_from__lte=last)
        .exclude(valid_until__lt=first)
        .select_related("service_calendar", "on_call_calendar", "organisation")
        .prefetch_related("targets")
        .order_by("-valid_from", "-pk")
    )
    parts: list[Part] = []
    day = first
    while day <= last:
        governing = next((a for a in candidates if a.is_valid_on(day)), None)
        if governing is not None:
            if parts and parts[-1].agreement.pk == governing.pk and parts[-1].end == day - timedelta(days=1):
                parts[-1] = Part(governing, parts[-1].start, day)
            else:
                parts.append(Part(governing, day, day))
        day += timedelta(days=1)
    return parts


def report_month(organisation: Organisation, first: date, now: datetime) -> Month:
    first = first.replace(day=1)
    parts = _parts(organisation, first, next_month(first) - timedelta(days=1))
    zone = ZoneInfo(parts[-1].agreement.service_calendar.timezone if parts else settings.TIME_ZONE)
    start = datetime.combine(first, time(0), tzinfo=zone)
    if start > now:
        raise ReportMonthError(
            _("The month %(month)s has not begun yet: there is nothing to report.") % {"month": f"{first:%Y-%m}"}
        )
    end = datetime.combine(next_month(first), time(0), tzinfo=zone)
    return Month(organisation, first, zone, start, end, now, parts)


def agreement_rows(month: Month) -> list[dict[str, object]]:
    return [
        {
            "id": part.agreement.pk,
            "name": part.agreement.name,
            "start": part.start.isoformat(),
            "end": part.end.isoformat(),
            "quota_minutes": hours_to_minutes(part.agreement.quota_hours),
            "hourly_rate": f"{part.agreement.hourly_rate:.2f}",
            "quota_period": part.agreement.quota_period,
        }
        for part in month.parts
    ]


def notes(month: Month) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if not month.parts:
        found.append({"code": "no_agreement", "params": {}})
    elif month.parts[0].start > month.first:
        found.append({"code": "agreement_began", "params": {"day": month.parts[0].start.isoformat()}})
    for part in month.parts[1:]:
        found.append({"code": "agreement_changed", "params": {"day": part.start.isoformat()}})
    if month.parts and month.parts[-1].end < month.last_day:
        found.append({"code": "agreement_ended", "params": {"day": month.parts[-1].end.isoformat()}})
    agreement = month.agreement
    if agreement is not None and agreement.quota_period != MONTH:
        found.append({"code": "quota_period", "params": {"kind": agreement.quota_period}})
    if month.now < month.end:
        found.append({"code": "month_in_progress", "params": {"until": month.now.isoformat()}})
    return found
