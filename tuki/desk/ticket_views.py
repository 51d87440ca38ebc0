"""A request on the desk: everything about it, with the everyday act in one form and the rarer ones below."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Contact
from tuki.accounts.selectors import staff_choices
from tuki.agreements.models import Priority
from tuki.core.forms import perform
from tuki.core.options import select_options
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to
from tuki.desk.ticket_forms import KEEP, STEPS, TicketForm
from tuki.desk.timer_views import timer_entry_form, timer_start_fields
from tuki.environments.selectors import environment_choices
from tuki.handbook.selectors import ticket_handbook
from tuki.sla.presentation import ticket_clocks
from tuki.tickets.downloads import attachment_response
from tuki.tickets.lifecycle import STAFF, TRANSITIONS
from tuki.tickets.models import EventKind, Kind, State
from tuki.tickets.selectors import ticket_for_action, ticket_get, ticket_history
from tuki.tickets.services import ticket_mark_read
from tuki.timesheets.models import WorkKind
from tuki.timesheets.selectors import agent_timers, request_time
from tuki.timesheets.terms import allowed_kinds


@staff_required
def ticket_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    user = acting_user(request)
    ticket = ticket_get(user, identifier)
    events = ticket_history(user, ticket)
    ticket_mark_read(actor=user, ticket=ticket)  # an UPDATE only when the customer's message is still unread
    # The customer's contacts, once: the copies of this request and who can be logged as calling.
    contacts = list(
        visible_to(user, Contact)
        .filter(organisation_id=ticket.organisation_id)
        .select_related("user")
        .only("user__full_name", "user__is_active", "organisation_id", "deactivated_at")  # what the page shows
        .annotate(in_cc=Exists(ticket.cc_contacts.filter(pk=OuterRef("pk"))))
        .order_by("user__full_name")
    )
    # The agent's timers, once: the one on this request, and the one running elsewhere that starting here pauses.
    timers = agent_timers(user)
    timer = next((each for each in timers if each.ticket_id == ticket.pk), None)
    if timer is not None:
        timer.ticket = ticket  # the page's own row, with its agreement already read
    kinds = allowed_kinds(ticket.agreement) if ticket.agreement is not None else None
    transitions = [State(to) for (current, to), who in TRANSITIONS.items() if current == ticket.state and STAFF in who]
    context = {
        "ticket": ticket,
        "clocks": ticket_clocks(ticket, timezone.now()),
        "events": events,
        # What may happen next, named as what the agent does; staying as it is comes first and is preselected.
        "keep": KEEP,
        "steps": [(state.value, STEPS[state]) for state in transitions if state in STEPS],
        "options": {
            "assignee": select_options([("", _("Nobody")), *staff_choices()], ticket.assignee_id or ""),
            "priority": select_options(Priority.choices, ticket.priority),
            "kind": select_options(Kind.choices, ticket.kind),
            "work_kind": select_options(WorkKind.choices, WorkKind.HELP_DESK),
            "environment": select_options(
                [("", "–"), *environment_choices(ticket.organisation_id)], ticket.environment_id or ""
            ),
            "caller": select_options(
                [(contact.pk, contact.user.full_name) for contact in contacts if contact.is_active], ticket.requester_id
            ),
        },
        "cc": [contact for contact in contacts if contact.in_cc],
        # Merging is recorded on both requests and cannot be undone, so the history says what was merged here.
        "merged": [event.data["merged"] for event in events if event.kind == EventKind.MERGE],
        "handbook": ticket_handbook(user, ticket, events),
        "time": request_time(user, ticket),
        "timer": timer,
        "timer_elsewhere": next((each for each in timers if each != timer and each.state == "running"), None),
        "timer_start_fields": timer_start_fields(kinds) if timer is None else None,
        "timer_form": timer_entry_form(timer) if timer is not None and timer.state == "stopped" else None,
    }
    return render(request, "desk/ticket.html", context)


@staff_required
@require_POST
def ticket_action(request: HttpRequest, identifier: str, form_class: type[TicketForm]) -> HttpResponse:
    """One of the page's buttons (the address says which form): done, or the reason why not, then back."""
    user = acting_user(request)
    ticket = ticket_for_action(user, identifier)
    form = form_class(request.POST, request.FILES, user=user, ticket=ticket)
    perform(request, form)
    return redirect("desk:ticket", identifier=form.then.identifier)


@staff_required
def attachment(request: HttpRequest, identifier: str, attachment_id: int) -> HttpResponse:
    response: Any = attachment_response(request, identifier, attachment_id)
    return response  # a streaming FileResponse
