"""A staff member's API tokens, in the desk's preferences (a service manager sees every staff member's)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from tuki.apitokens.views import token_page, token_revoke
from tuki.core.permissions import staff_required


@staff_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    return token_page(request, template="desk/api_tokens.html", revoke_url="desk:api_token_revoke")


@staff_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return token_revoke(request, pk, back="desk:api_tokens")
