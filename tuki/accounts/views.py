from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.forms import LoginForm, ThrottledPasswordResetForm
from tuki.accounts.models import User
from tuki.accounts.services import user_lockout_lift, user_set_language
from tuki.core.client_address import client_address
from tuki.core.redirects import safe_next


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.wait_seconds:
            response.status_code = 429
            response["Retry-After"] = str(form.wait_seconds)
        return response


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """Axes calls this when an account has had too many wrong passwords from the client's address.

    The lock is on the pair, not the account: the message says so, or a user would think a reset or a call to
    the supplier were needed when the same login from another network works.

    The page offers the password reset: a new password set through the mailed link lifts the lock.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request)
    message = _(
        "Too many wrong passwords for this account from your network address: logins to it from here are paused "
        "for %(minutes)d minutes. Logins from elsewhere work as before."
    ) % {"minutes": minutes}
    return render(request, "accounts/login.html", {"form": form, "lockout_message": message}, status=429)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands after logging in: the desk for staff, the portal for contacts."""
    user = acting_user(request)
    return redirect("desk:home" if user.is_supplier_staff else "portal:dashboard")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ThrottledPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"base_url": settings.TUKI_BASE_URL, "site_name": settings.TUKI_SUPPLIER_NAME}

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"client_ip": client_address(self.request)}


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in user keeps the choice for mail and later visits."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next(request, "/"))
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite="Lax",
        )
    return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # Whoever can read the account's mail is its owner: a lockout has nothing left to protect. The new
        # password and the lifted lock stand or fall together.
        user: User = form.user
        with transaction.atomic():
            response = super().form_valid(form)
            user_lockout_lift(user=user)
        return response
