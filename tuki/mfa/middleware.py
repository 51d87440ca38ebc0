"""Nothing opens for the supplier's staff between the password and the second step."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from tuki.mfa.policy import Standing, standing

# What a half-logged-in person may still open: leaving, changing the language, and the step itself.
OPEN_ALWAYS = frozenset({"accounts:logout", "accounts:set_language", "healthz"})
# The pages of each step; the first is where people are sent.
STEP_PAGES = {Standing.VERIFY: ("mfa:verify",), Standing.ENROL: ("mfa:enrol", "mfa:key_register")}


class SecondStepMiddleware:
    """Sends staff who still owe the second step to it, and marks the request for the views' own checks.

    Must come after django-otp's OTPMiddleware, which tells whether the session has passed a device.
    ``request.second_step_done`` is what :func:`tuki.core.permissions.staff_required` checks as well, so a
    desk page fails closed even where this middleware is missing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = standing(request.user)
        request.second_step_done = state is Standing.DONE  # type: ignore[attr-defined]
        if state is Standing.DONE:
            return self.get_response(request)
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = ""
        pages = STEP_PAGES[state]
        if view_name in OPEN_ALWAYS or view_name in pages:
            return self.get_response(request)
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(pages[0]) + (f"?{query}" if query else ""))
