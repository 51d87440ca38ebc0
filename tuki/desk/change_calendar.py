"""The change calendar across customers: changes by their planned windows in a month, by week and day, with a
warning for every two that overlap on one environment. Plain links and a GET form: it works without scripts."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateformat import time_format as time_format_of
from django.utils.formats import get_format

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Organisation
from tuki.changes.models import ChangeState
from tuki.changes.schedule import OVERLAPS_SHOWN, MonthCalendar, month_calendar
from tuki.core.options import select_options
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to
from tuki.desk.calendar_grid import month_rows, overlap_items

MONTH = re.compile(r"(\d{4})-(\d{2})")
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _month(text: str) -> date:
    """The month of ``?month=YYYY-MM``; this month when it is missing or not a month."""
    match = MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        return timezone.localdate().replace(day=1)
    return date(int(match[1]), int(match[2]), 1)


def _day(text: str, month: date) -> date | None:
    """The day of ``?day=YYYY-MM-DD`` when it is a day of the month shown."""
    match = DAY.fullmatch(text)
    if match is None or (int(match[1]), int(match[2])) != (month.year, month.month):
        return None
    number = int(match[3])
    return month.replace(day=number) if 1 <= number <= monthrange(month.year, month.month)[1] else None


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _label(shown: MonthCalendar) -> None:
    """Each entry and day the page shows gets its address, start time and date in the reader's format, here in
    Python: a template spends far longer on a {% url %} or a date filter, and a busy month shows hundreds."""
    base = reverse("desk:change", args=["-"]).removesuffix("-/")
    time_format, date_format = get_format("TIME_FORMAT"), get_format("DATE_FORMAT")
    days = [cell for week in shown.weeks for cell in week if cell.entries]
    days += [shown.chosen] if shown.chosen else []
    entries = [entry for cell in days for entry in cell.entries]
    entries += [entry for _environment, *pair in shown.overlaps for entry in pair]
    for entry in entries:
        entry.url = f"{base}{entry.identifier}/"
        entry.time = time_format_of(timezone.localtime(entry.start), time_format)
    for cell in days:
        cell.label = format_date(cell.day, date_format)


@staff_required
def change_calendar(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    month = _month(request.GET.get("month", ""))
    organisation_id = _id(request.GET.get("organisation", ""))
    state = request.GET.get("state", "")
    states = (state,) if state in ChangeState.values else ()
    day = _day(request.GET.get("day", ""), month)
    shown = month_calendar(user, month, organisation_id=organisation_id, states=states, day=day)
    _label(shown)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    filters = "".join(
        f"&{name}={value}"
        for name, value in (("organisation", organisation_id), ("state", states[0] if states else ""))
        if value
    )
    day_link = f"?month={month:%Y-%m}{filters}&day="
    today = timezone.localdate()
    context = {
        "calendar": shown,
        "month_rows": month_rows(shown, day_link, today),
        "overlap_items": overlap_items(shown),
        "month": month,
        "previous": f"?month={previous:%Y-%m}{filters}",
        "following": f"?month={following:%Y-%m}{filters}",
        "organisation_options": select_options(
            visible_to(user, Organisation).filter(is_active=True).values_list("pk", "name"), organisation_id or ""
        ),
        "state_options": select_options(ChangeState.choices, states[0] if states else ""),
        "overlaps_shown": OVERLAPS_SHOWN,
    }
    return render(request, "desk/change_calendar.html", context)
