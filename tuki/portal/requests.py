"""A contact's support requests: file one, follow them, reply, confirm, reopen, cancel, export."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.models import User
from tuki.agreements.selectors import agreement_for
from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.core.client_address import client_address
from tuki.core.errors import Refusal
from tuki.core.forms import add_refusal, perform
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.core.spreadsheets import SafeCsvWriter
from tuki.handbook.selectors import linked_articles
from tuki.portal.forms import NewRequestForm, ReplyForm, RequestFilterForm, TransitionForm
from tuki.search.query import parse
from tuki.sla.presentation import sla_rows, ticket_clocks
from tuki.tickets.downloads import attachment_response
from tuki.tickets.forms import TicketForm
from tuki.tickets.lifecycle import customer_actions, may_reply, role_of
from tuki.tickets.models import OPEN_STATES, Ticket
from tuki.tickets.search import identified, ranked_ids, search, ticket_snippets
from tuki.tickets.selectors import ticket_for_action, ticket_get, ticket_history
from tuki.tickets.services import ticket_create

LIST_SIZE = 100


@contact_required
def new_request(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    contact = user.contact
    agreement = agreement_for(contact.organisation_id, timezone.localdate())
    form = NewRequestForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        agreement=agreement,
        initial={"submission_key": secrets.token_urlsafe(24)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_create(
                actor=user,
                requester=contact,
                subject=data["subject"],
                description=data["description"],
                kind=data["kind"],
                priority=data["priority"],
                environment=data["environment"],
                business_unit=data["business_unit"],
                cc=list(data["cc"]),
                files=data["attachments"],
                submission_key=data["submission_key"],
            )
        except (Refusal, ValidationError, PermissionDenied) as error:
            add_refusal(form, error, renamed={"files": "attachments"})
        else:
            messages.success(
                request, _("Your support request %(identifier)s is filed.") % {"identifier": ticket.identifier}
            )
            return redirect("portal:ticket", identifier=ticket.identifier)
    return render(request, "portal/new_request.html", {"form": form, "agreement": agreement})


def _filtered(user: User, form: RequestFilterForm) -> QuerySet[Ticket]:
    """The contact's requests by the form's filters (a search's words too), newest first."""
    queryset = _by_fields(user, form)
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if text:  # subject, description, names and public messages: internal notes never answer a contact's search
        queryset = search(queryset, parse(text), public_only=True, organisation_id=_organisation_of(user))
    return queryset.order_by("-created_at")


def _by_fields(user: User, form: RequestFilterForm) -> QuerySet[Ticket]:
    queryset = visible_to(user, Ticket).select_related("requester__user", "environment")
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "open"
    if status == "open":
        queryset = queryset.filter(state__in=OPEN_STATES)
    elif status == "closed":
        queryset = queryset.exclude(state__in=OPEN_STATES)
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("priority"):
        queryset = queryset.filter(priority=data["priority"])
    return queryset


def _organisation_of(user: User) -> int | None:
    """The contact's customer: what ``visible_to`` keeps them to, for narrowing the search in the index too (a
    narrower hint could only hide requests, never show another customer's)."""
    contact = getattr(user, "contact", None)
    return contact.organisation_id if contact is not None else None


def _listed(user: User, form: RequestFilterForm, text: str) -> list[Ticket]:
    """The list's requests: newest first, or with a search the best matches first."""
    if not text:
        return list(_filtered(user, form)[:LIST_SIZE])
    queryset = _by_fields(user, form)
    organisation_id = _organisation_of(user)
    ids = ranked_ids(queryset, parse(text), public_only=True, start=0, stop=LIST_SIZE, organisation_id=organisation_id)
    found = {ticket.pk: ticket for ticket in queryset.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@contact_required
def request_list(request: HttpRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    user = acting_user(request)
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if text and (named := identified(user, text)) is not None:
        return redirect("portal:ticket", identifier=named.identifier)  # only a request the contact may see
    now = timezone.now()
    tickets = _listed(user, form, text)
    rows = sla_rows(tickets, now)
    if text:
        snippets = ticket_snippets(tickets, parse(text), public_only=True)
        for row in rows:
            row["snippet"] = snippets.get(row["ticket"].pk, "")
    query = request.GET.urlencode()
    return render(request, "portal/requests.html", {"form": form, "rows": rows, "query": query})


@contact_required
def request_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV, for the customer's own follow-up (opens in Excel: UTF-8 with BOM, semicolons)."""
    form = RequestFilterForm(request.GET or None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The file is named in the user's language, in ASCII so that every browser and spreadsheet keeps the name.
    name = _("support-requests")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = SafeCsvWriter(response)
    writer.writerow(
        [
            _("Request"),
            _("Subject"),
            _("State"),
            _("Priority"),
            _("Type"),
            _("Requester"),
            _("Environment"),
            _("Received"),
            _("Resolved"),
        ]
    )
    user = acting_user(request)
    rows = 0
    for ticket in _filtered(user, form).iterator():
        rows += 1
        writer.writerow(
            [
                ticket.identifier,
                ticket.subject,
                ticket.get_state_display(),
                ticket.get_priority_display(),
                ticket.get_kind_display(),
                ticket.requester.user.full_name,
                ticket.environment.name if ticket.environment else "",
                timezone.localtime(ticket.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(ticket.resolved_at).strftime("%Y-%m-%d %H:%M") if ticket.resolved_at else "",
            ]
        )
    filters = {name: value[:200] for name, value in request.GET.items() if name in form.fields and value}
    audit_record(
        action=Action.EXPORTED,
        actor=user,
        target_label=_("Support requests"),
        address=client_address(request),
        details={"export": "support_requests", "filters": filters, "rows": rows},
    )
    return response


@contact_required
def ticket_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    user = acting_user(request)
    ticket = ticket_get(user, identifier)
    role = role_of(user, ticket)  # offered exactly what the lifecycle table lets this contact do here
    context = {
        "ticket": ticket,
        "may_reply": ticket.is_open and may_reply(role),
        "transitions": customer_actions(role, ticket, timezone.now()),
        "clocks": ticket_clocks(ticket, timezone.now()),
        "events": ticket_history(user, ticket),
        "linked_articles": list(linked_articles(user, ticket)),
    }
    return render(request, "portal/ticket.html", context)


@contact_required
def ticket_timeline(request: HttpRequest, identifier: str) -> HttpResponse:
    """The timeline alone, polled by the request page so new replies show without a reload."""
    user = acting_user(request)
    ticket = ticket_get(user, identifier)
    context = {
        "ticket": ticket,
        "events": ticket_history(user, ticket),
        "attachment_url": "portal:attachment",
    }
    return render(request, "tickets/_timeline.html", context)


def _ticket_action(request: HttpRequest, identifier: str, form_class: type[TicketForm]) -> HttpResponse:
    user = acting_user(request)
    ticket = ticket_for_action(user, identifier)
    perform(request, form_class(request.POST, request.FILES, user=user, ticket=ticket))
    return redirect("portal:ticket", identifier=ticket.identifier)


@contact_required
@require_POST
def ticket_reply_view(request: HttpRequest, identifier: str) -> HttpResponse:
    return _ticket_action(request, identifier, ReplyForm)


@contact_required
@require_POST
def ticket_transition_view(request: HttpRequest, identifier: str) -> HttpResponse:
    return _ticket_action(request, identifier, TransitionForm)


@contact_required
def attachment(request: HttpRequest, identifier: str, attachment_id: int) -> HttpResponse:
    response: Any = attachment_response(request, identifier, attachment_id)
    return response  # a streaming FileResponse
