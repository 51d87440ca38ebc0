"""The change calendar across customers: changes by their planned windows in a month, by week and day, with a
warning for every two that overlap on one environment. Plain links and a GET form: it works without scripts."""

from __future__ import annotations

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
from tuki.changes.schedule import CalendarDay, MonthCalendar, month_calendar
from tuki.core.options import select_options
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to

# The overlaps listed above the month; a customer filter shows the rest.
OVERLAPS_SHOWN = 50


def _month(text: str) -> date:
    """The month of ``?month=YYYY-MM``; this month when it is missing or not a month."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _label(shown: MonthCalendar, day: CalendarDay | None) -> None:
    """Each entry the page shows gets its address and its start time in the reader's format, here in Python."""
    base = reverse("desk:change", args=["-"]).removesuffix("-/")
    time_format = get_format("TIME_FORMAT")
    entries = [entry for week in shown.weeks for cell in week for entry in cell.first]
    entries += [entry for _environment, *pair in shown.overlaps[:OVERLAPS_SHOWN] for entry in pair]
    entries += day.entries if day else []
    for entry in entries:
        entry.url = f"{base}{entry.identifier}/"
        entry.time = time_format_of(timezone.localtime(entry.start), time_format)
    date_format = get_format("DATE_FORMAT")
    for cell in shown.days:
        cell.label = format_date(cell.day, date_format)


@staff_required
def change_calendar(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    month = _month(request.GET.get("month", ""))
    organisation_id = _id(request.GET.get("organisation", ""))
    state = request.GET.get("state", "")
    states = (state,) if state in ChangeState.values else ()
    shown = month_calendar(user, month, organisation_id=organisation_id, states=states)
    chosen = request.GET.get("day", "")
    day = next((day for day in shown.days if day.day.isoformat() == chosen), None)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    filters = "".join(
        f"&{name}={value}"
        for name, value in (("organisation", organisation_id), ("state", states[0] if states else ""))
        if value
    )
    _label(shown, day)
    context = {
        "calendar": shown,
        "month": month,
        "previous": f"?month={previous:%Y-%m}{filters}",
        "following": f"?month={following:%Y-%m}{filters}",
        "organisation_options": select_options(
            visible_to(user, Organisation).filter(is_active=True).values_list("pk", "name"), organisation_id or ""
        ),
        "state_options": select_options(ChangeState.choices, states[0] if states else ""),
        "today": timezone.localdate(),
        "filters": filters,
        "day_link": f"?month={month:%Y-%m}{filters}&day=",
        "overlaps_shown": OVERLAPS_SHOWN,
        "day": day,
        "chosen": chosen,
    }
    return render(request, "desk/change_calendar.html", context)
