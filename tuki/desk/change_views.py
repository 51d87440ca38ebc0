"""Change records on the desk: the list, a change's page with its moves as buttons, and a change from a request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.models import User
from tuki.agreements.selectors import agreement_for
from tuki.changes.lifecycle import allowed_moves, role_of
from tuki.changes.models import Change, ChangeKind, ChangeState
from tuki.changes.schedule import change_overlaps
from tuki.changes.selectors import (
    change_get,
    change_history,
    change_list,
    components_of,
    environments_taking_changes,
)
from tuki.changes.services import change_create, change_transition, change_update
from tuki.core.client_address import client_address
from tuki.core.errors import Refusal
from tuki.core.forms import add_refusal, refusal_text
from tuki.core.permissions import staff_required
from tuki.desk.environment_forms import ChangeEditForm
from tuki.environments.models import Component, Environment
from tuki.tickets.selectors import ticket_for_action
from tuki.timesheets.forms import CorrectionForm, TimeEntryForm
from tuki.timesheets.selectors import change_time
from tuki.timesheets.services import time_entry_log
from tuki.timesheets.templatetags.timesheets import hours_minutes
from tuki.timesheets.terms import allowed_kinds


def _warn_of_overlaps(request: HttpRequest, overlapping: list[Change]) -> None:
    """A warning, not a refusal: two changes may share a window on purpose (one maintenance break for both)."""
    if overlapping:
        messages.warning(
            request,
            _("The planned window overlaps %(changes)s on the same environment.")
            % {"changes": ", ".join(f"{other.identifier} {other.title}" for other in overlapping)},
        )


@staff_required
def changes(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/changes.html", {"changes": change_list(acting_user(request))[:200]})


@staff_required
def change_detail(
    request: HttpRequest,
    identifier: str,
    *,
    edit_form: ChangeEditForm | None = None,
    time_form: TimeEntryForm | None = None,
) -> HttpResponse:
    user = acting_user(request)
    change = change_get(user, identifier)
    agreement = agreement_for(change.organisation_id, timezone.localdate())
    entries, totals = change_time(user, change)
    context = {
        "change": change,
        "moves": allowed_moves(role_of(user, change), change),
        "touched": change.touched.select_related("component__environment"),
        "tickets": change.tickets.all(),
        "environments": change.environments.all(),
        "history": change_history(user, change),
        "edit_form": edit_form or ChangeEditForm(user=user, change=change),
        "time_form": time_form
        or TimeEntryForm(kinds=allowed_kinds(agreement) if agreement else None, initial={"day": timezone.localdate()}),
        "time_entries": entries,
        "time_totals": totals,
        "correction_form": CorrectionForm(),
        "overlaps": change_overlaps(user, change),
    }
    failed = bool(edit_form and edit_form.errors) or bool(time_form and time_form.errors)
    return render(request, "desk/change.html", context, status=400 if failed else 200)


@staff_required
@require_POST
def change_edit(request: HttpRequest, identifier: str) -> HttpResponseBase:
    user = acting_user(request)
    change = change_get(user, identifier)
    form = ChangeEditForm(request.POST, user=user, change=change)
    if form.is_valid():
        try:
            change_update(actor=user, change=change, **form.changes())
        except (Refusal, ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("%(change)s is saved.") % {"change": change.identifier})
            return redirect("desk:change", change.identifier)
    return change_detail(request, identifier, edit_form=form)


@staff_required
@require_POST
def change_time_log(request: HttpRequest, identifier: str) -> HttpResponseBase:
    """Time on a change counts like time on a request: the kind of work decides quota or additional."""
    user = acting_user(request)
    change = change_get(user, identifier)
    form = TimeEntryForm(request.POST)
    if form.is_valid():
        try:
            entry = time_entry_log(actor=user, change=change, address=client_address(request), **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(time)s logged on the change %(change)s.")
                % {"time": hours_minutes(entry.minutes), "change": change.identifier},
            )
            return redirect("desk:change", change.identifier)
    return change_detail(request, identifier, time_form=form)


@staff_required
@require_POST
def change_move(request: HttpRequest, identifier: str) -> HttpResponse:
    user = acting_user(request)
    change = change_get(user, identifier)
    target = request.POST.get("to", "")
    if target not in ChangeState.values:
        messages.error(request, _("Choose a move of the change."))
    else:
        try:
            change_transition(actor=user, change=change, to=target)
        except (Refusal, ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(
                request,
                _("%(change)s is now “%(state)s”.") % {"change": change.identifier, "state": ChangeState(target).label},
            )
            if target == ChangeState.SCHEDULED:
                _warn_of_overlaps(request, change_overlaps(user, change))
    return redirect("desk:change", change.identifier)


class ChangeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ChangeKind.choices, initial=ChangeKind.NORMAL)
    environment = forms.ModelChoiceField(
        label=gettext_lazy("Environment"),
        queryset=Environment.objects.none(),
        empty_label=gettext_lazy("Choose an environment"),
    )
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea, required=False)
    component = forms.ModelChoiceField(
        label=gettext_lazy("Component"),
        queryset=Component.objects.none(),
        required=False,
        empty_label=gettext_lazy("No component's version changes"),
    )
    version_after = forms.CharField(label=gettext_lazy("Version after"), max_length=100, required=False)
    planned_start = forms.DateTimeField(
        label=gettext_lazy("Planned start"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    planned_end = forms.DateTimeField(
        label=gettext_lazy("Planned end"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    risk = forms.CharField(label=gettext_lazy("Risk"), widget=forms.Textarea, required=False)
    impact = forms.CharField(label=gettext_lazy("Impact"), widget=forms.Textarea, required=False)
    rollback_plan = forms.CharField(label=gettext_lazy("Rollback plan"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, user: User, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        environments = environments_taking_changes(user, organisation_id)
        self.fields["environment"].queryset = environments  # type: ignore[attr-defined]
        self.fields["component"].queryset = components_of(user, environments)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("component") and not data.get("version_after"):
            self.add_error("version_after", _("Give the version the change puts in place."))
        return data


@staff_required
def change_new_from_request(request: HttpRequest, identifier: str) -> HttpResponse:
    """A change spawned by a request: for the request's customer, linked to it."""
    user = acting_user(request)
    ticket = ticket_for_action(user, identifier)
    form = ChangeForm(
        request.POST or None,
        user=user,
        organisation_id=ticket.organisation_id,
        initial={"title": ticket.subject, "environment": ticket.environment_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        component, version_after = data.pop("component"), data.pop("version_after")
        environment = data.pop("environment")
        try:
            change = change_create(
                actor=user,
                organisation=ticket.organisation,
                environments=[environment],
                components=[(component, version_after)] if component else [],
                tickets=[ticket],
                **data,
            )
        except (Refusal, ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Change %(change)s recorded.") % {"change": change.identifier})
            _warn_of_overlaps(request, change_overlaps(user, change))
            return redirect("desk:change", change.identifier)
    return render(request, "desk/change_new.html", {"form": form, "ticket": ticket})
