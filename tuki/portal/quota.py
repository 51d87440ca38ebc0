"""The customer's "Quota and costs" page: one quota period's use, the time logged in it, its additional costs by
business unit, and the estimates waiting for a customer manager.

The quota is the organisation's, so every contact sees its balance: used, remaining and carried over, figures that
name no request and no person, and that tell a contact whether work on their own request still fits in it. Everything
that names work (the entries, the minutes by kind, the costs) comes from the requests the contact may see
(``visible_to``): a contact whose agreement shows them only their own requests sees only those, and a customer
manager sees the whole organisation's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuki.accounts.auth import acting_user
from tuki.agreements.models import Agreement
from tuki.core.pages import page_number, page_rows
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.portal.quota_table import ENTRY_FIELDS, EntryRow, entry_rows
from tuki.timesheets.forms import chosen_day
from tuki.timesheets.selectors import (
    estimates_waiting,
    period_costs,
    period_entries,
    period_summary,
    periods_to_choose,
    seen_minutes,
)

# A busy month holds hundreds of entries; the page shows them a page at a time, the sums come from all of them.
PAGE_SIZE = 100


@contact_required
def quota(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    today = timezone.localdate()
    day = chosen_day(request.GET) or today
    agreement = (
        visible_to(user, Agreement.objects.in_force(day)).select_related("organisation", "service_calendar").first()
    )
    context: dict[str, Any] = {"summary": None, "estimates_waiting": list(estimates_waiting(user))}
    if agreement is not None:
        summary = period_summary(agreement, day)
        balance = summary.balance
        end = balance.period.end
        page = page_number(request.GET.get("page", ""), last=10_000)
        rows = period_entries(user, agreement, balance.period.start).values_list(*ENTRY_FIELDS)
        entries, has_next = page_rows(rows, page, PAGE_SIZE)
        context |= {
            "summary": summary,
            "entry_rows": entry_rows(EntryRow(*row) for row in entries),
            "page": page,
            "has_next": has_next,
            "day": day,
            "seen_minutes": seen_minutes(user, summary),
            "costs": period_costs(user, agreement, balance.period.start),
            "periods": periods_to_choose(agreement, today),
            "last_day": end - timedelta(days=1),
            "previous": balance.period.start - timedelta(days=1),
            "next": end if end <= today else None,
            "bar_max": max(balance.included, balance.used, 1),
            "bar_low": balance.included * 8 // 10,
            "bar_value": max(balance.used, 0),
        }
    return render(request, "portal/quota.html", context)
