"""Which face of Tuki a user may open. What they see inside it is decided by :mod:`tuki.core.scoping`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from tuki.accounts.models import User

View = Callable[..., HttpResponse]


def _require(test: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                # A page of the other face does not exist for this user, rather than being forbidden.
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_active_contact(user: Any) -> bool:
    contact = getattr(user, "contact", None)
    return bool(user.is_active and contact is not None and contact.deactivated_at is None)


staff_required = _require(lambda user: user.is_supplier_staff)
contact_required = _require(is_active_contact)


def acting_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``staff_required`` or ``contact_required``, typed as what it is."""
    user = request.user
    if not isinstance(user, User):  # the decorators let no anonymous visitor this far
        raise PermissionDenied
    return user
