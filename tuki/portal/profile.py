"""A contact's own settings: language, mail, password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from tuki.accounts.auth import acting_user
from tuki.accounts.forms import settings_of, user_field
from tuki.accounts.services import user_update_profile
from tuki.core.forms import add_refusal
from tuki.core.permissions import contact_required


class ProfileForm(forms.Form):
    full_name = user_field("full_name")
    language = user_field("language")
    mail_notifications = user_field("mail_notifications")


@contact_required
def profile(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ProfileForm(request.POST or None, initial=settings_of(user, ProfileForm))
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(actor=user, user=user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form, "contact": user.contact})


@method_decorator(contact_required, name="dispatch")
class PasswordChange(auth_views.PasswordChangeView):
    template_name = "portal/password.html"
    success_url = reverse_lazy("portal:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)
