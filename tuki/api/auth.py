"""Who is calling: a personal API token (``Authorization: Bearer tuki_…``) or the site's own signed-in session
(with its CSRF token on writes). Either way the call then acts as that person, with their rights.

After the caller is known, :func:`admit` applies what holds for every call: a read-only token may not write (403),
each token (or person) has a number of calls a minute (429 with Retry-After), bodies have a size limit (413), and
messages are in the caller's language: ``Accept-Language`` when the call names one, else the person's own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from tuki.accounts.models import User
from tuki.api.errors import ApiError
from tuki.apitokens.models import ApiToken
from tuki.apitokens.services import TokenRefused, api_token_open
from tuki.core import ratelimit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WINDOW_SECONDS = 60

REFUSALS = {
    "unknown": lambda: _("The API token is not valid."),
    "expired": lambda: _("The API token has expired."),
    "revoked": lambda: _("The API token has been revoked."),
    "inactive": lambda: _("The API token's owner can no longer sign in."),
}


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token, made in the settings of the portal or the desk."

    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            opened = api_token_open(token)
        except TokenRefused as refusal:
            raise ApiError(
                401, f"token_{refusal.reason}", REFUSALS[refusal.reason](), headers={"WWW-Authenticate": "Bearer"}
            ) from None
        request.api_token = opened  # type: ignore[attr-defined]
        return admit(request, opened.user, opened)


class SessionAuth(NinjaSessionAuth):
    """The site's own JavaScript: the session cookie, and Django's CSRF check on writes (ninja makes it)."""

    openapi_description = "The session of a person signed in to the portal or the desk (with the CSRF token on writes)."

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        # Staff who still owe the second step never get this far: their session is held at the step's page.
        if not isinstance(user, User) or not user.is_authenticated or not getattr(request, "second_step_done", True):
            return None
        return admit(request, user, None)


def admit(request: HttpRequest, user: User, token: ApiToken | None) -> User:
    request.user = user  # what the domains' own helpers (downloads, audit) read
    if not request.headers.get("Accept-Language"):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    if token is not None and token.read_only and request.method not in SAFE_METHODS:
        raise ApiError(403, "read_only_token", _("This API token may only read."))
    key = f"api:token:{token.pk}" if token is not None else f"api:user:{user.pk}"
    limit = settings.TUKI_API_CALLS_PER_MINUTE
    if not ratelimit.hit(key, limit=limit, window_seconds=WINDOW_SECONDS):
        wait = ratelimit.seconds_blocked(key, limit=limit, window_seconds=WINDOW_SECONDS)
        raise ApiError(
            429,
            "rate_limited",
            _("Too many calls: at most %(limit)s a minute.") % {"limit": limit},
            headers={"Retry-After": str(max(wait, 1))},
        )
    _check_size(request)
    return user


def _check_size(request: HttpRequest) -> None:
    """Refuse a body past the limit before it is read: by its declared length (Django refuses one without)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    multipart = request.content_type.startswith("multipart/")
    limit = settings.TUKI_API_MAX_UPLOAD_BYTES if multipart else settings.TUKI_API_MAX_JSON_BYTES
    if length > limit:
        raise ApiError(413, "too_large", _("The request is too large: at most %(limit)s bytes.") % {"limit": limit})


def caller(request: HttpRequest) -> User:
    """The person the call acts as (set by the authentication above)."""
    user: Any = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise ApiError(401, "not_authenticated", _("Not authenticated."))
    return user
