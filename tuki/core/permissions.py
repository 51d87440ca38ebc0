"""Which face of Tuki a user may open. What they see inside it is decided by :mod:`tuki.core.scoping`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

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
# The audit log and other supplier-wide settings: agents do not find them any more than contacts do.
manager_required = _require(lambda user: user.is_manager)
