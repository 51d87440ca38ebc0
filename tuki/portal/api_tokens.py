"""A contact's API tokens, in their settings: a customer manager sees and revokes the whole organisation's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from tuki.apitokens.views import token_page, token_revoke
from tuki.core.permissions import contact_required


@contact_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    return token_page(request, template="portal/api_tokens.html", revoke_url="portal:api_token_revoke")


@contact_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return token_revoke(request, pk, back="portal:api_tokens")
