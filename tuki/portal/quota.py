"""The customer's "Quota and costs" page: one quota period's use, and the time logged in it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuki.accounts.auth import acting_user
from tuki.agreements.models import Agreement
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.timesheets.forms import chosen_day
from tuki.timesheets.selectors import estimates_waiting, period_entries, period_summary


@contact_required
def quota(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    day = chosen_day(request.GET) or timezone.localdate()
    agreement = (
        visible_to(user, Agreement.objects.in_force(day)).select_related("organisation", "service_calendar").first()
    )
    context: dict[str, Any] = {"summary": None, "estimates_waiting": list(estimates_waiting(user))}
    if agreement is not None:
        summary = period_summary(agreement, day)
        balance = summary.balance
        end = balance.period.end
        context |= {
            "summary": summary,
            "entries": list(period_entries(user, agreement, balance.period.start)),
            "last_day": end - timedelta(days=1),
            "previous": balance.period.start - timedelta(days=1),
            "next": end if end <= timezone.localdate() else None,
            "bar_max": max(balance.included, balance.used, 1),
            "bar_low": balance.included * 8 // 10,
            "bar_value": max(balance.used, 0),
        }
    return render(request, "portal/quota.html", context)
