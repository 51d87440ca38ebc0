"""The supplier's own webhooks (every customer's events), for service managers."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from tuki.accounts.auth import acting_user
from tuki.core.permissions import staff_required
from tuki.webhooks.views import subscription_detail, subscription_list

FRAME = {"base": "desk/desk_base.html", "namespace": "desk"}


def _check_manager(request: HttpRequest) -> None:
    if not acting_user(request).is_manager:
        raise Http404


@staff_required
def webhooks(request: HttpRequest) -> HttpResponse:
    _check_manager(request)
    return subscription_list(request, organisation=None, **FRAME)


@staff_required
def webhook(request: HttpRequest, pk: int) -> HttpResponse:
    _check_manager(request)
    return subscription_detail(request, pk, organisation=None, **FRAME)
