"""The public part of the Customer Care Center and the logged-in Online Support Services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuki.accounts.auth import acting_user
from tuki.accounts.models import BusinessUnit, Contact, Organisation, User
from tuki.agreements.calendars import weekly_summary
from tuki.agreements.models import Agreement, Weekday
from tuki.catalogue.selectors import published_services
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.portal.changes import changes_ahead
from tuki.sla.explain import format_duration
from tuki.sla.presentation import sla_rows
from tuki.tickets.models import State, Ticket
from tuki.tickets.selectors import open_tickets


def home(request: HttpRequest) -> HttpResponse:
    """The public front page: the service, its service descriptions, how to reach it. Nothing of any customer."""
    return render(request, "portal/home.html", {"services": published_services()})


def _current_agreement(user: User) -> Agreement | None:
    today = timezone.localdate()
    return (
        visible_to(user, Agreement.objects.in_force(today))
        .select_related("service_calendar", "on_call_calendar")
        .prefetch_related("targets", "environments", "service_calendar__hours")
        .first()
    )


@contact_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    now = timezone.now()
    tickets = list(open_tickets(user)[:50])
    rows = sla_rows(tickets, now)
    recently = now - timedelta(days=30)
    context = {
        "organisation": visible_to(user, Organisation).get(),
        "contacts": visible_to(user, Contact).filter(deactivated_at__isnull=True).select_related("user"),
        "business_units": visible_to(user, BusinessUnit).filter(is_active=True),
        "rows": rows,
        "waiting": [ticket for ticket in tickets if ticket.state == State.WAITING],
        "resolved": visible_to(user, Ticket)
        .filter(state__in=[State.RESOLVED, State.CLOSED], resolved_at__gte=recently)
        .order_by("-resolved_at")[:10],
        "agreement": _current_agreement(user),
        **changes_ahead(user),
    }
    return render(request, "portal/dashboard.html", context)


@contact_required
def agreement(request: HttpRequest) -> HttpResponse:
    current = _current_agreement(acting_user(request))
    context: dict[str, Any] = {"agreement": current}
    if current is not None:
        hours = weekly_summary(current.service_calendar)
        context["hours"] = [(Weekday(day).label, ", ".join(hours.get(day, []))) for day in range(7)]
        context["targets"] = [
            (t.get_priority_display(), format_duration(t.first_response), format_duration(t.resolution))
            for t in current.targets.all()
        ]
    return render(request, "portal/agreement.html", context)
