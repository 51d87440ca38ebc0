"""Which face of Tuki a user may open. What they see inside it is decided by :mod:`tuki.core.scoping`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]  # a page, or a streamed export


def _require(test: Callable[[Any], bool], *, second_step: bool = False) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                # A page of the other face does not exist for this user, rather than being forbidden.
                raise Http404
            if second_step and not getattr(request, "second_step_done", False):
                # The second-step middleware sends people to the step before they get here; when it has not
                # marked the request as done (or is not installed at all), nothing of the desk opens.
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_active_contact(user: Any) -> bool:
    contact = getattr(user, "contact", None)
    return bool(user.is_active and contact is not None and contact.deactivated_at is None)


staff_required = _require(lambda user: user.is_supplier_staff, second_step=True)
contact_required = _require(is_active_contact)
# The audit log and other supplier-wide settings: agents do not find them any more than contacts do.
manager_required = _require(lambda user: user.is_manager)
