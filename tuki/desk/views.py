"""The agents' desk: every customer's work, for the supplier's staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.models import Organisation
from tuki.agreements.models import Priority
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to
from tuki.desk.forms import PreferencesForm
from tuki.sla.deadlines import stored_state
from tuki.sla.explain import STATE_LABELS
from tuki.sla.presentation import ticket_clocks
from tuki.tickets.downloads import attachment_response
from tuki.tickets.lifecycle import STAFF, TRANSITIONS, TransitionError
from tuki.tickets.models import State, TicketEvent
from tuki.tickets.selectors import open_tickets, ticket_get
from tuki.tickets.services import ticket_reply, ticket_set_priority, ticket_transition

QUEUE_SIZE = 50


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    now = timezone.now()
    tickets = list(open_tickets(user)[:QUEUE_SIZE])
    rows = []
    for ticket in tickets:
        state, due = stored_state(ticket, now)
        rows.append({"ticket": ticket, "sla": state, "sla_label": STATE_LABELS[state] if state else "", "due": due})
    organisations = (
        visible_to(user, Organisation)
        .filter(is_active=True)
        .annotate(
            unit_count=Count("business_units", filter=Q(business_units__is_active=True), distinct=True),
            contact_count=Count("contacts", filter=Q(contacts__deactivated_at__isnull=True), distinct=True),
        )
    )
    return render(request, "desk/home.html", {"rows": rows, "organisations": list(organisations)})


@staff_required
def ticket_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    user: Any = request.user
    ticket = ticket_get(user, identifier)
    events = visible_to(user, TicketEvent).filter(ticket=ticket).select_related("actor")
    transitions = [State(to) for (current, to), who in TRANSITIONS.items() if current == ticket.state and STAFF in who]
    context = {
        "ticket": ticket,
        "clocks": ticket_clocks(ticket, timezone.now()),
        "events": events,
        "transitions": transitions,
        "priorities": Priority.choices,
    }
    return render(request, "desk/ticket.html", context)


@staff_required
@require_POST
def ticket_action(request: HttpRequest, identifier: str) -> HttpResponse:
    user: Any = request.user
    ticket = ticket_get(user, identifier)
    action = request.POST.get("action")
    try:
        if action == "transition":
            ticket_transition(actor=user, ticket=ticket, to=State(request.POST.get("to", "")))
        elif action == "priority":
            ticket_set_priority(actor=user, ticket=ticket, priority=Priority(int(request.POST.get("priority", "0"))))
        elif action == "reply":
            ticket_reply(actor=user, ticket=ticket, body=request.POST.get("body", ""))
    except (TransitionError, PermissionDenied) as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except ValueError:
        messages.error(request, _("That action is not possible."))
    return redirect("desk:ticket", identifier=ticket.identifier)


@staff_required
def preferences(request: HttpRequest) -> HttpResponse:
    """How an agent hears of SLA warnings: on duty or not, one mail each or an hourly digest."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("desk:preferences")
    return render(request, "desk/preferences.html", {"form": form})


@staff_required
def attachment(request: HttpRequest, identifier: str, attachment_id: int) -> HttpResponse:
    return attachment_response(request, identifier, attachment_id)
