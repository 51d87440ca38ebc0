"""The settings page of API tokens, for the portal and the desk alike (each passes its own template)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.auth import acting_user
from tuki.apitokens.forms import ApiTokenForm
from tuki.apitokens.selectors import tokens_of
from tuki.apitokens.services import api_token_create, api_token_revoke
from tuki.core.client_address import client_address
from tuki.core.forms import add_refusal


def token_page(request: HttpRequest, *, template: str, revoke_url: str) -> HttpResponse:
    user = acting_user(request)
    form = ApiTokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            _token, secret = api_token_create(
                actor=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(now),
                address=client_address(request),
                now=now,
            )
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The API token is made. Copy it now: it is not shown again."))
            form = ApiTokenForm()
    context = {
        "form": form,
        "secret": secret,
        "tokens": tokens_of(user),
        "revoke_url": revoke_url,
        "now": timezone.now(),
    }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"  # the page may hold the secret: no copy in any cache
    return response


def token_revoke(request: HttpRequest, pk: int, *, back: str) -> HttpResponse:
    user = acting_user(request)
    token = get_object_or_404(tokens_of(user), pk=pk)  # another's token is not there at all
    try:
        api_token_revoke(actor=user, token=token, address=client_address(request))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The API token is revoked: it no longer opens the API."))
    return redirect(back)
