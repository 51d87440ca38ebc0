from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tuki.accounts import lockout
from tuki.accounts.models import User
from tuki.core import ratelimit


def user_field(name: str) -> Any:
    """A form field for one of a user's own settings, labelled and explained as the model does."""
    return fields_for_model(User, fields=[name])[name]


def settings_of(user: User, form: type[forms.Form]) -> dict[str, Any]:
    """The user's current values of the form's fields, to start the form from."""
    return {name: getattr(user, name) for name in form.base_fields}


class LoginForm(AuthenticationForm):
    """Email and password. The error never tells whether the account exists."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("The email address or password is wrong. Check them and try again."),
        "inactive": _("The email address or password is wrong. Check them and try again."),
    }

    wait_seconds = 0  # how long the client's address must wait before trying again, when it must

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        return username.strip().lower()

    def clean(self) -> dict[str, Any]:
        # Checked before the password, so a refused attempt neither counts against an account nor reveals
        # whether it was right.
        self.wait_seconds = lockout.login_wait_seconds(self.request) if self.request else 0
        if self.wait_seconds:
            message = ngettext(
                "Too many failed logins from your network. Wait %(seconds)d second and try again.",
                "Too many failed logins from your network. Wait %(seconds)d seconds and try again.",
                self.wait_seconds,
            )
            raise forms.ValidationError(message, code="throttled", params={"seconds": self.wait_seconds})
        try:
            return super().clean()
        except forms.ValidationError as error:
            if self.request and error.code == "invalid_login":
                lockout.login_failed(self.request)
            raise


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, with a cap on mails per address and per client so it cannot flood anyone."""

    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args: Any, client_ip: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_ip = client_ip

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        allowed = ratelimit.hit(f"reset:email:{email}", limit=3, window_seconds=3600)
        allowed = ratelimit.hit(f"reset:ip:{self.client_ip}", limit=20, window_seconds=3600) and allowed
        if not allowed:
            raise forms.ValidationError(_("Too many password reset requests. Try again in an hour."), code="throttled")
        return email
