"""The public part of the Customer Care Center and the logged-in Online Support Services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tuki.accounts.models import BusinessUnit, Contact, Organisation
from tuki.agreements.calendars import weekly_summary
from tuki.agreements.models import Agreement, Weekday
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.sla.deadlines import stored_state
from tuki.sla.explain import STATE_LABELS, format_duration
from tuki.sla.presentation import ticket_clocks
from tuki.tickets.downloads import attachment_response
from tuki.tickets.lifecycle import CUSTOMER_ACTIONS, REQUESTER, TRANSITIONS, TransitionError
from tuki.tickets.models import State, TicketEvent
from tuki.tickets.selectors import open_tickets, ticket_get
from tuki.tickets.services import ticket_reply, ticket_transition


def home(request: HttpRequest) -> HttpResponse:
    """The public front page: what the service is and how to reach it. Nothing of any customer."""
    return render(request, "portal/home.html")


def _current_agreement(user: Any) -> Agreement | None:
    today = timezone.localdate()
    return (
        visible_to(user, Agreement)
        .filter(valid_from__lte=today)
        .exclude(valid_until__lt=today)
        .select_related("service_calendar", "on_call_calendar")
        .prefetch_related("targets", "environments", "service_calendar__hours")
        .order_by("-valid_from")
        .first()
    )


@contact_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    now = timezone.now()
    rows = []
    for ticket in open_tickets(user)[:50]:
        state, due = stored_state(ticket, now)
        rows.append({"ticket": ticket, "sla": state, "sla_label": STATE_LABELS[state] if state else "", "due": due})
    context = {
        "organisation": visible_to(user, Organisation).get(),
        "contacts": visible_to(user, Contact).filter(deactivated_at__isnull=True).select_related("user"),
        "business_units": visible_to(user, BusinessUnit).filter(is_active=True),
        "rows": rows,
        "agreement": _current_agreement(user),
    }
    return render(request, "portal/dashboard.html", context)


@contact_required
def agreement(request: HttpRequest) -> HttpResponse:
    current = _current_agreement(request.user)
    context: dict[str, Any] = {"agreement": current}
    if current is not None:
        hours = weekly_summary(current.service_calendar)
        context["hours"] = [(Weekday(day).label, ", ".join(hours.get(day, []))) for day in range(7)]
        context["targets"] = [
            (t.get_priority_display(), format_duration(t.first_response), format_duration(t.resolution))
            for t in current.targets.all()
        ]
    return render(request, "portal/agreement.html", context)


@contact_required
def ticket_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    user: Any = request.user
    ticket = ticket_get(user, identifier)
    events = visible_to(user, TicketEvent).filter(ticket=ticket).select_related("actor").prefetch_related("attachments")
    transitions = [
        (to.value, CUSTOMER_ACTIONS[to])
        for (current, to), who in TRANSITIONS.items()
        if current == ticket.state and REQUESTER in who and to in CUSTOMER_ACTIONS
    ]
    context = {
        "ticket": ticket,
        "clocks": ticket_clocks(ticket, timezone.now()),
        "events": events,
        "transitions": transitions,
    }
    return render(request, "portal/ticket.html", context)


@contact_required
@require_POST
def ticket_action(request: HttpRequest, identifier: str) -> HttpResponse:
    user: Any = request.user
    ticket = ticket_get(user, identifier)
    try:
        if request.POST.get("action") == "reply":
            ticket_reply(
                actor=user, ticket=ticket, body=request.POST.get("body", ""), files=request.FILES.getlist("files")
            )
        else:
            ticket_transition(actor=user, ticket=ticket, to=State(request.POST.get("to", "")))
    except (TransitionError, PermissionDenied) as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except ValueError:
        raise PermissionDenied from None
    return redirect("portal:ticket", identifier=ticket.identifier)


@contact_required
def attachment(request: HttpRequest, identifier: str, attachment_id: int) -> HttpResponse:
    response: Any = attachment_response(request, identifier, attachment_id)
    return response  # a streaming FileResponse
