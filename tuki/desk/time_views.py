"""Time on the desk: logging and correcting time on a request, and the quota overview of every customer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.agreements.models import Agreement
from tuki.core.client_address import client_address
from tuki.core.forms import add_refusal, refusal_text
from tuki.core.permissions import manager_required, staff_required
from tuki.core.redirects import safe_next
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.desk.quota_table import overview_rows
from tuki.tickets.selectors import ticket_for_action
from tuki.timesheets.forms import CorrectionForm, EstimateForm, TimeEntryForm, chosen_day
from tuki.timesheets.invoicing import pending
from tuki.timesheets.models import TimeEntry
from tuki.timesheets.selectors import overview, ticket_estimate, ticket_time
from tuki.timesheets.services import estimate_propose, period_close, time_entry_correct, time_entry_log
from tuki.timesheets.templatetags.timesheets import hours_minutes
from tuki.timesheets.terms import allowed_kinds


def period_day(request: HttpRequest) -> date:
    """The day named by ``?period=`` (any day of the period, ISO), or today."""
    return chosen_day(request.GET) or timezone.localdate()


@staff_required
def ticket_time_page(request: HttpRequest, identifier: str) -> HttpResponse:
    """The request's time: its entries by kind, and the form to log time by hand (POST logs and goes back)."""
    user = acting_user(request)
    ticket = ticket_for_action(user, identifier)
    kinds = allowed_kinds(ticket.agreement) if ticket.agreement is not None else None
    form = TimeEntryForm(request.POST or None, kinds=kinds, initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            entry = time_entry_log(actor=user, ticket=ticket, address=client_address(request), **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(time)s logged on %(request)s.")
                % {"time": hours_minutes(entry.minutes), "request": ticket.identifier},
            )
            return redirect(safe_next(request, reverse("desk:ticket", args=[ticket.identifier])))
    return _time_page(request, ticket, time_form=form)


def _time_page(
    request: HttpRequest,
    ticket: Any,
    *,
    time_form: TimeEntryForm | None = None,
    estimate_form: EstimateForm | None = None,
) -> HttpResponse:
    user = acting_user(request)
    kinds = allowed_kinds(ticket.agreement) if ticket.agreement is not None else None
    if time_form is None:
        time_form = TimeEntryForm(kinds=kinds, initial={"day": timezone.localdate()})
    estimate = ticket_estimate(user, ticket)
    if estimate_form is None:
        initial: dict[str, Any] = {"basis": "hours"}
        if estimate is not None:
            initial = {
                "basis": estimate.basis,
                "hours": Decimal(estimate.minutes) / 60 if estimate.minutes else None,
                "amount": estimate.amount if estimate.basis == "fixed" else None,
                "description": estimate.description,
            }
        estimate_form = EstimateForm(initial=initial, prefix="estimate")
    entries, totals = ticket_time(user, ticket)
    context = {
        "ticket": ticket,
        "time_form": time_form,
        "time_entries": entries,
        "time_totals": totals,
        "correction_form": CorrectionForm(),
        "estimate": estimate,
        "estimate_form": estimate_form,
    }
    failed = time_form.errors or estimate_form.errors
    return render(request, "desk/ticket_time.html", context, status=400 if failed else 200)


@staff_required
@require_POST
def estimate_propose_view(request: HttpRequest, identifier: str) -> HttpResponse:
    """Propose the request's estimate, or change it (a change needs the customer's approval again)."""
    user = acting_user(request)
    ticket = ticket_for_action(user, identifier)
    form = EstimateForm(request.POST, prefix="estimate")
    if form.is_valid():
        try:
            estimate_propose(actor=user, ticket=ticket, **form.service_values())
        except ValidationError as error:
            add_refusal(form, error, renamed={"minutes": "hours"})
        else:
            messages.success(request, _("The estimate is sent to the customer's managers for approval."))
            return redirect("desk:ticket_time", identifier=ticket.identifier)
    return _time_page(request, ticket, estimate_form=form)


@staff_required
@require_POST
def time_entry_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry = get_visible_or_404(user, TimeEntry.objects.select_related("ticket", "change"), pk=pk)
    if entry.ticket is not None:
        back = safe_next(request, reverse("desk:ticket_time", args=[entry.ticket.identifier]))
    else:
        back = safe_next(request, reverse("desk:change", args=[entry.subject.identifier]))
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for text in problems:
                messages.error(request, str(text))
        return redirect(back)
    try:
        correction = time_entry_correct(actor=user, entry=entry, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        if correction.late:
            messages.success(request, _("Corrected in the next open period; the entry's own period is closed."))
        else:
            messages.success(request, _("The entry is corrected."))
    return redirect(back)


@staff_required
def quota_overview(request: HttpRequest) -> HttpResponse:
    """Every customer's maintenance quota in the period holding the chosen day, those past 80 % first, with the
    estimates waiting for the customer and the additional work of periods not yet closed for invoicing."""
    day = period_day(request)
    user = acting_user(request)
    rows = overview(day, visible_to(user, Agreement))
    waiting = pending(user, rows, day)
    rows.sort(key=lambda row: (not row.warned, row.agreement.organisation.name))
    context = {
        "day": day,
        "rows": overview_rows(rows, waiting, close_token=get_token(request) if user.is_manager else None),
        "warned_count": sum(1 for row in rows if row.warned),
        "estimates_count": sum(found.estimates for found in waiting.values()),
        "unbilled": sum((found.amount for found in waiting.values()), Decimal("0.00")),
    }
    return render(request, "desk/quota.html", context)


@staff_required  # the second step of login, as for every desk page
@manager_required
@require_POST
def quota_period_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    agreement = get_visible_or_404(user, Agreement, pk=pk)
    start = chosen_day(request.POST)
    if start is None:
        messages.error(request, _("Choose a period to close."))
        return redirect("desk:quota")
    try:
        period_close(actor=user, agreement=agreement, period_start=start, address=client_address(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The period is closed for invoicing."))
    return redirect(f"{reverse('desk:quota')}?period={start.isoformat()}")
