"""The pages where an owner manages webhook subscriptions: the same two pages in the portal (an organisation's
customer manager, for its own) and in the desk (service managers, for the supplier's). The faces check who may
open them and pass the organisation (None for the supplier's) and their page frame."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Organisation
from tuki.core.forms import add_refusal
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.webhooks.forms import SubscriptionChangeForm, SubscriptionForm
from tuki.webhooks.models import Attempt, Subscription
from tuki.webhooks.services import (
    subscription_create,
    subscription_delete,
    subscription_rotate_secret,
    subscription_update,
)

LOG_LENGTH = 20  # attempts shown on a subscription's page


def _owned(request: HttpRequest, organisation: Organisation | None) -> QuerySet[Subscription]:
    subscriptions = visible_to(acting_user(request), Subscription)
    if organisation is None:
        return subscriptions.filter(organisation__isnull=True)
    return subscriptions.filter(organisation=organisation)


def _secret_shown(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"  # the page holds the secret: no copy in any cache
    return response


def subscription_list(
    request: HttpRequest, *, organisation: Organisation | None, base: str, namespace: str
) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    context: dict[str, Any] = {"base": base, "namespace": namespace, "organisation": organisation, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = subscription_create(
                actor=acting_user(request), organisation=organisation, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The webhook is made. Copy its secret now: it is shown only this once."))
            context |= {"new": subscription, "secret": secret, "form": SubscriptionForm()}
            context["subscriptions"] = _owned(request, organisation).select_related("owner")
            return _secret_shown(render(request, "webhooks/subscriptions.html", context))
    context["subscriptions"] = _owned(request, organisation).select_related("owner")
    return render(request, "webhooks/subscriptions.html", context)


def subscription_detail(
    request: HttpRequest, pk: int, *, organisation: Organisation | None, base: str, namespace: str
) -> HttpResponse:
    subscription = get_visible_or_404(acting_user(request), _owned(request, organisation), pk=pk)
    initial = {"url": subscription.url, "event_types": subscription.event_types, "is_active": subscription.is_active}
    action = request.POST.get("action", "save")
    submitted = request.method == "POST" and action == "save"
    form = SubscriptionChangeForm(request.POST if submitted else None, initial=initial)
    context: dict[str, Any] = {"base": base, "namespace": namespace, "subscription": subscription, "form": form}
    if request.method == "POST":
        user = acting_user(request)
        try:
            if action == "delete":
                subscription_delete(actor=user, subscription=subscription)
                messages.success(request, _("The webhook is removed."))
                return redirect(f"{namespace}:webhooks")
            if action == "rotate":
                context["secret"] = subscription_rotate_secret(actor=user, subscription=subscription)
                messages.success(request, _("A new secret is made; the old one no longer signs. Copy it now."))
                context["attempts"] = _log(subscription)
                return _secret_shown(render(request, "webhooks/subscription.html", context))
            if form.is_valid():
                subscription_update(actor=user, subscription=subscription, **form.cleaned_data)
                messages.success(request, _("The webhook is saved."))
                return redirect(f"{namespace}:webhook", subscription.pk)
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
    context["attempts"] = _log(subscription)
    return render(request, "webhooks/subscription.html", context)


def _log(subscription: Subscription) -> list[Attempt]:
    return list(Attempt.objects.filter(subscription=subscription).select_related("delivery")[:LOG_LENGTH])
