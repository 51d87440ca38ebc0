"""The signed-in person behind a request, as Tuki's own user type."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tuki.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """``request.user`` behind a view that requires a login (:mod:`tuki.core.permissions`).

    Raises PermissionDenied for an anonymous visitor, so that a view that forgot its decorator fails closed.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
