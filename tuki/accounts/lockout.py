"""Who a failed login counts against: the lockout's name for an account, and the softer limit on logins from one
address, which slows guessing across many names and locks nobody.

The lockout (django-axes) is per account and address. Someone trying many names from one address never hits
it, so failures from an address are also counted across all names; past ``TUKI_LOGIN_ADDRESS_FAILURES`` in a
window of a few minutes, every login from that address is refused until the window ends, with a "wait N
seconds" answer and a Retry-After header. No account is locked: a user elsewhere logs in as before, and the
office behind a shared address waits minutes at most.

Refused, not delayed: a delay would hold a worker for each attempt, so an attacker sending attempts in
parallel would occupy every worker and shut everyone out, which is the very weapon this replaces; a refusal
costs nothing and tells a person exactly how long to wait.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tuki.core import ratelimit
from tuki.core.client_address import client_address


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a login attempt names, as django-axes records it (AXES_USERNAME_CALLABLE).

    Axes would look for the user model's USERNAME_FIELD ("email") among the credentials, which carry the
    login form's "username": every attempt would then count against one nameless account, and ten failures
    anywhere would lock every login. Written as the login form cleans it, so "Anna@..." and "anna@..." are one
    account, and a reset can lift the lock by the user's stored address.
    """
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(raw).strip().lower() or None


def _key(request: HttpRequest) -> str:
    return f"login:address:{client_address(request)}"


def login_wait_seconds(request: HttpRequest) -> int:
    """Seconds until logins from the request's address are taken again; 0 when they are."""
    return ratelimit.seconds_blocked(
        _key(request),
        limit=settings.TUKI_LOGIN_ADDRESS_FAILURES,
        window_seconds=settings.TUKI_LOGIN_ADDRESS_WINDOW_SECONDS,
    )


def login_failed(request: HttpRequest) -> None:
    """Count one failed login from the request's address."""
    ratelimit.hit(
        _key(request),
        limit=settings.TUKI_LOGIN_ADDRESS_FAILURES,
        window_seconds=settings.TUKI_LOGIN_ADDRESS_WINDOW_SECONDS,
    )
