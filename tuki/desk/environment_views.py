"""An environment on the desk: what it is, its components, addresses and contacts, its requests, changes, time and
history, with the staff's forms to edit it. Every edit goes through :mod:`tuki.environments.services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuki.accounts.auth import acting_user
from tuki.accounts.models import User
from tuki.changes.models import Change
from tuki.changes.selectors import environment_get
from tuki.core.errors import Refusal
from tuki.core.forms import add_refusal, refusal_text
from tuki.core.permissions import staff_required
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.desk.environment_forms import AddressForm, ComponentForm, EnvironmentForm, environment_initial
from tuki.environments.models import Address, Component, Environment, EnvironmentEvent
from tuki.environments.services import (
    address_add,
    address_remove,
    component_add,
    component_retire,
    component_update,
    environment_update,
)
from tuki.tickets.models import Ticket
from tuki.timesheets.selectors import environment_minutes

REFUSALS = (Refusal, ValidationError, PermissionDenied)
PAGE_ROWS = 50  # the newest requests and changes; the history is shown whole


@staff_required
def environment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page; a POST names its ``action`` (one form of the page) and comes back here when it succeeds."""
    user = acting_user(request)
    environment = environment_get(user, pk)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Choose what to change."))
            return redirect("desk:environment", environment.pk)
        done, bound = action(request, user, environment)
        if done or not bound:  # done, or refused with a message of its own
            if done:
                messages.success(request, done)
            return redirect("desk:environment", environment.pk)
    return _page(request, user, environment, bound)


def _page(request: HttpRequest, user: User, environment: Environment, bound: dict[str, forms.Form]) -> HttpResponse:
    customers = list(visible_to(user, environment.customer_contacts.select_related("user")))
    suppliers = list(environment.supplier_contacts.all())
    context: dict[str, Any] = {
        "environment": environment,
        "components": list(visible_to(user, Component).filter(environment=environment)),
        "addresses": list(visible_to(user, Address).filter(environment=environment)),
        "customer_contacts": customers,
        "supplier_contacts": suppliers,
        "tickets": list(
            visible_to(user, Ticket)
            .filter(environment=environment)
            .only("pk", "subject", "state", "created_at")[:PAGE_ROWS]
        ),
        "changes": list(visible_to(user, Change).filter(environments=environment)[:PAGE_ROWS]),
        "minutes": environment_minutes(user, environment.pk),
        "history": list(
            visible_to(user, EnvironmentEvent)
            .filter(environment=environment)
            .select_related("actor", "component")
            .order_by("-created_at", "-pk")
        ),
        "environment_form": bound.get("edit")
        or EnvironmentForm(
            user=user, environment=environment, initial=environment_initial(environment, customers, suppliers)
        ),
        "component_form": bound.get("component_add") or ComponentForm(prefix="component"),
        "address_form": bound.get("address_add") or AddressForm(prefix="address"),
        "component_errors": bound.get("component_edit"),
    }
    return render(request, "desk/environment.html", context, status=400 if bound else 200)


Outcome = tuple[str, dict[str, forms.Form]]


def _edit(request: HttpRequest, user: User, environment: Environment) -> Outcome:
    form = EnvironmentForm(request.POST, user=user, environment=environment)
    if form.is_valid():
        try:
            environment_update(actor=user, environment=environment, **form.cleaned_data)
        except REFUSALS as error:
            add_refusal(form, error)
        else:
            return _("The environment is saved."), {}
    return "", {"edit": form}


def _component_add(request: HttpRequest, user: User, environment: Environment) -> Outcome:
    form = ComponentForm(request.POST, prefix="component")
    if form.is_valid():
        try:
            component_add(actor=user, environment=environment, **form.cleaned_data)
        except REFUSALS as error:
            add_refusal(form, error)
        else:
            return _("The component “%(name)s” is added.") % {"name": form.cleaned_data["name"]}, {}
    return "", {"component_add": form}


def _component(request: HttpRequest, user: User, environment: Environment) -> Component:
    return get_visible_or_404(user, Component.objects.filter(environment=environment), pk=request.POST.get("component"))


def _component_edit(request: HttpRequest, user: User, environment: Environment) -> Outcome:
    component = _component(request, user, environment)
    form = ComponentForm(request.POST, prefix=f"component-{component.pk}")
    if form.is_valid():
        try:
            component_update(actor=user, component=component, **form.cleaned_data)
        except REFUSALS as error:
            add_refusal(form, error)
        else:
            return _("The component “%(name)s” is saved.") % {"name": form.cleaned_data["name"]}, {}
    return "", {"component_edit": form}


def _component_retire(request: HttpRequest, user: User, environment: Environment) -> Outcome:
    component = _component(request, user, environment)
    try:
        component_retire(actor=user, component=component)
    except REFUSALS as error:
        messages.error(request, refusal_text(error))
        return "", {}
    return _("The component “%(name)s” is retired.") % {"name": component.name}, {}


def _address_add(request: HttpRequest, user: User, environment: Environment) -> Outcome:
    form = AddressForm(request.POST, prefix="address")
    if form.is_valid():
        try:
            address_add(actor=user, environment=environment, **form.cleaned_data)
        except REFUSALS as error:
            add_refusal(form, error)
        else:
            return _("The address is added."), {}
    return "", {"address_add": form}


def _address_remove(request: HttpRequest, user: User, environment: Environment) -> Outcome:
    address = get_visible_or_404(user, Address.objects.filter(environment=environment), pk=request.POST.get("address"))
    address_remove(actor=user, address=address)
    return _("The address is removed."), {}


ACTIONS: dict[str, Callable[[HttpRequest, User, Environment], Outcome]] = {
    "edit": _edit,
    "component_add": _component_add,
    "component_edit": _component_edit,
    "component_retire": _component_retire,
    "address_add": _address_add,
    "address_remove": _address_remove,
}
