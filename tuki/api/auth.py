"""Who is calling: a personal API token (``Authorization: Bearer tuki_…``) or the site's own signed-in session
(with its CSRF token on writes). Either way the call then acts as that person, with their rights.

After the caller is known, :func:`admit` applies what holds for every call: a read-only token may not write (403),
each token (or person) has a number of calls a minute (429 with Retry-After), bodies have a size limit (413), and
messages are in the caller's language: ``Accept-Language`` when the call names one, else the person's own.
"""

from __future__ import annotations

import threading
import time
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

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie, no session: a call without any credentials answers 401, not a failed CSRF check.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

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
    # By the token's prefix, not its id: a key of its own even where an id is used again (SQLite after a rollback).
    key = f"api:token:{token.prefix}" if token is not None else f"api:user:{user.pk}"
    limit = settings.TUKI_API_CALLS_PER_MINUTE
    if not _within_limit(key, limit):
        wait = ratelimit.seconds_blocked(key, limit=limit, window_seconds=WINDOW_SECONDS)
        raise ApiError(
            429,
            "rate_limited",
            _("Too many calls: at most %(limit)s a minute.") % {"limit": limit},
            headers={"Retry-After": str(max(wait, 1))},
        )
    _check_size(request)
    return user


# Calls counted in this process and not yet added to the shared count, by key and minute. Writing the shared count
# (a cache file without Redis) on every call cost more than the call itself; in batches of a sixtieth of the limit,
# each process lets at most that many calls a minute past the limit unseen. A small limit is counted call by call.
# A key found over its limit stays refused in this process until its minute ends.
_uncounted: dict[tuple[str, int], int] = {}
_refused: set[tuple[str, int]] = set()
_lock = threading.Lock()


def _within_limit(key: str, limit: int) -> bool:
    minute = int(time.time() // WINDOW_SECONDS)
    batch = max(1, limit // 60)
    with _lock:
        if (key, minute) in _refused:
            return False
        calls = _uncounted.pop((key, minute), 0) + 1
        if calls < batch:
            _uncounted[(key, minute)] = calls
            return True
        for stale in [k for k in (*_uncounted, *_refused) if k[1] != minute]:
            _uncounted.pop(stale, None)
            _refused.discard(stale)
    if ratelimit.hit(key, limit=limit, window_seconds=WINDOW_SECONDS, events=calls):
        return True
    with _lock:
        _refused.add((key, minute))
    return False


def _check_size(request: HttpRequest) -> None:
    """Refuse a body past the limit before it is read: by its declared length (Django refuses one without)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    multipart = (request.content_type or "").startswith("multipart/")
    limit = settings.TUKI_API_MAX_UPLOAD_BYTES if multipart else settings.TUKI_API_MAX_JSON_BYTES
    if length > limit:
        raise ApiError(413, "too_large", _("The request is too large: at most %(limit)s bytes.") % {"limit": limit})


def caller(request: HttpRequest) -> User:
    """The person the call acts as (set by the authentication above)."""
    user: Any = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise ApiError(401, "not_authenticated", _("Not authenticated."))
    return user
