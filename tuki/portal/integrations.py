"""The organisation's webhooks, for its customer manager (Online Support Services settings). Other contacts do not
find the pages at all."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Organisation
from tuki.core.permissions import contact_required
from tuki.webhooks.services import may_manage
from tuki.webhooks.views import subscription_detail, subscription_list

FRAME = {"base": "portal/portal_base.html", "namespace": "portal"}


def _organisation(request: HttpRequest) -> Organisation:
    user = acting_user(request)
    organisation = user.contact.organisation
    if not may_manage(user, organisation.pk):
        raise Http404
    return organisation


@contact_required
def webhooks(request: HttpRequest) -> HttpResponse:
    return subscription_list(request, organisation=_organisation(request), **FRAME)


@contact_required
def webhook(request: HttpRequest, pk: int) -> HttpResponse:
    return subscription_detail(request, pk, organisation=_organisation(request), **FRAME)
