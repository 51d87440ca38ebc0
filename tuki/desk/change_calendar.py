"""The change calendar across customers: changes by their planned windows in a month, by week and day, with a
warning for every two that overlap on one environment. Plain links and a GET form: it works without scripts."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Organisation
from tuki.changes.models import ChangeState
from tuki.changes.schedule import month_calendar
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to


def _month(text: str) -> date:
    """The month of ``?month=YYYY-MM``; this month when it is missing or not a month."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() else None


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
    context = {
        "calendar": shown,
        "month": month,
        "previous": f"?month={previous:%Y-%m}{filters}",
        "following": f"?month={following:%Y-%m}{filters}",
        "organisations": visible_to(user, Organisation).filter(is_active=True).values_list("pk", "name"),
        "organisation_id": organisation_id,
        "states": ChangeState.choices,
        "state": states[0] if states else "",
        "today": timezone.localdate(),
        "filters": filters,
        "day": day,
        "chosen": chosen,
    }
    return render(request, "desk/change_calendar.html", context)
