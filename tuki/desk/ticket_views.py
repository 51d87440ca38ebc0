"""A request on the desk: everything about it, with reply, note, assign, transition and merge in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.models import Contact, User
from tuki.accounts.selectors import staff_choices
from tuki.agreements.models import Priority
from tuki.core.options import select_options
from tuki.core.permissions import staff_required
from tuki.environments.models import Environment
from tuki.environments.selectors import environment_choices
from tuki.handbook.selectors import article_from_form, ticket_handbook
from tuki.handbook.services import ticket_link_article, ticket_unlink_article
from tuki.sla.presentation import ticket_clocks
from tuki.tickets.downloads import attachment_response
from tuki.tickets.lifecycle import STAFF, TRANSITIONS, TransitionError
from tuki.tickets.models import EventKind, Kind, State, Ticket
from tuki.tickets.selectors import ticket_get, ticket_history
from tuki.tickets.services import (
    ticket_assign,
    ticket_log_call,
    ticket_merge,
    ticket_note,
    ticket_reply,
    ticket_set_priority,
    ticket_transition,
    ticket_update,
)


@staff_required
def ticket_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    user: Any = request.user
    ticket = ticket_get(user, identifier)
    events = ticket_history(user, ticket)
    # The customer's contacts, once: the copies of this request and who can be logged as calling.
    contacts = list(
        Contact.objects.filter(organisation_id=ticket.organisation_id)
        .select_related("user")
        .annotate(in_cc=Exists(Ticket.cc_contacts.through.objects.filter(ticket=ticket, contact=OuterRef("pk"))))
        .order_by("user__full_name")
    )
    transitions = [State(to) for (current, to), who in TRANSITIONS.items() if current == ticket.state and STAFF in who]
    context = {
        "ticket": ticket,
        "clocks": ticket_clocks(ticket, timezone.now()),
        "events": events,
        "transitions": transitions,
        "options": {
            "transition": select_options((state.value, state.label) for state in transitions),
            "assignee": select_options([("", _("Nobody")), *staff_choices()], ticket.assignee_id or ""),
            "priority": select_options(Priority.choices, ticket.priority),
            "kind": select_options(Kind.choices, ticket.kind),
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
    }
    return render(request, "desk/ticket.html", context)


@staff_required
@require_POST
def ticket_action(request: HttpRequest, identifier: str) -> HttpResponse:
    user: Any = request.user
    ticket = ticket_get(user, identifier)
    action = request.POST.get("action", "")
    post = request.POST
    files = request.FILES.getlist("files")
    try:
        if action == "reply":
            ticket_reply(actor=user, ticket=ticket, body=post.get("body", ""), files=files)
            messages.success(request, _("Reply sent."))
        elif action == "note":
            ticket_note(actor=user, ticket=ticket, body=post.get("body", ""), files=files)
            messages.success(request, _("Note saved."))
        elif action == "call":
            caller = Contact.objects.filter(pk=post.get("caller") or 0, organisation_id=ticket.organisation_id).first()
            if caller is None:
                raise ValidationError(_("Choose who called."))
            ticket_log_call(actor=user, ticket=ticket, caller=caller, body=post.get("body", ""))
            messages.success(request, _("Call logged."))
        elif action == "transition":
            ticket_transition(actor=user, ticket=ticket, to=State(post.get("to", "")))
        elif action == "priority":
            ticket_set_priority(actor=user, ticket=ticket, priority=Priority(int(post.get("priority", "0"))))
        elif action == "assign":
            assignee_id = post.get("assignee", "")
            assignee = User.objects.filter(pk=assignee_id).first() if assignee_id.isdigit() else None
            ticket_assign(actor=user, ticket=ticket, assignee=assignee)
        elif action == "update":
            environment_id = post.get("environment", "")
            environment = Environment.objects.filter(pk=environment_id).first() if environment_id.isdigit() else None
            ticket_update(actor=user, ticket=ticket, kind=Kind(post.get("kind", "")), environment=environment)
        elif action == "merge":
            into = ticket_get(user, post.get("into", "").strip())
            ticket_merge(actor=user, duplicate=ticket, into=into)
            messages.success(request, _("Merged into %(identifier)s.") % {"identifier": into.identifier})
            return redirect("desk:ticket", identifier=into.identifier)
        elif action == "link_article":
            ticket_link_article(actor=user, ticket=ticket, article=article_from_form(user, post.get("article", "")))
            messages.success(request, _("Handbook article linked."))
        elif action == "unlink_article":
            ticket_unlink_article(actor=user, ticket=ticket, article=article_from_form(user, post.get("article", "")))
            messages.success(request, _("Handbook article unlinked."))
        else:
            raise ValueError(action)
    except (TransitionError, PermissionDenied) as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except Http404:
        messages.error(request, _("No such request."))
    except ValueError:
        messages.error(request, _("That action is not possible."))
    return redirect("desk:ticket", identifier=ticket.identifier)


@staff_required
def attachment(request: HttpRequest, identifier: str, attachment_id: int) -> HttpResponse:
    response: Any = attachment_response(request, identifier, attachment_id)
    return response  # a streaming FileResponse
