from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuki.accounts.auth import acting_user
from tuki.core.permissions import staff_required
from tuki.core.redirects import safe_next
from tuki.mfa.forms import CodeForm, ConfirmForm
from tuki.mfa.models import RecoveryCodeDevice
from tuki.mfa.policy import Standing, authenticators, is_required, standing
from tuki.mfa.presentation import manual_key, qr_code_data_url
from tuki.mfa.selectors import recovery_codes_left
from tuki.mfa.services import (
    recovery_codes_regenerate,
    second_step_verify,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code from the authenticator app or a recovery code."""
    user = acting_user(request)
    if standing(request.user) is not Standing.VERIFY:
        return redirect(safe_next(request, "accounts:home"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_step_verify(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            if device is None:
                form.add_error("code", _("The code is wrong or already used. Try the code your app shows now."))
            else:
                otp_login(request, device)
                if isinstance(device, RecoveryCodeDevice):
                    left = recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "You logged in with a recovery code; %(count)d code is left.",
                            "You logged in with a recovery code; %(count)d codes are left.",
                            left,
                        )
                        % {"count": left},
                    )
                return redirect(safe_next(request, "accounts:home"))
    return render(request, "mfa/verify.html", {"form": form, "next": safe_next(request, "")})


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan or type the key, then confirm with the code the app shows."""
    user = acting_user(request)
    state = standing(request.user)
    if not user.is_supplier_staff or state is Standing.VERIFY:
        raise Http404
    device = totp_device_start(user=user)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_device_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            # The code just proved the phone is at hand: that is the second step of this session.
            otp_login(request, TOTPDevice.objects.get(pk=device.pk))
            messages.success(request, _("The authenticator app is ready. You will be asked for its code at login."))
            if codes:
                return render(request, "mfa/recovery_codes.html", {"codes": codes, "first_time": True})
            return redirect("mfa:devices")
    context = {
        "form": form,
        "qr_code": qr_code_data_url(device),
        "manual_key": manual_key(device),
        "required": state is Standing.ENROL,
    }
    return render(request, "mfa/enrol.html", context)


@staff_required
def devices(request: HttpRequest) -> HttpResponse:
    """The user's authenticators and recovery codes."""
    user = acting_user(request)
    context = {
        "devices": authenticators(user),
        "codes_left": recovery_codes_left(user),
        "required": is_required(user),
    }
    return render(request, "mfa/devices.html", context)


@staff_required
@require_POST
def device_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    try:
        totp_device_remove(user=user, device_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The authenticator was removed."))
    return redirect("mfa:devices")


@staff_required
@require_POST
def codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    try:
        codes = recovery_codes_regenerate(user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mfa:devices")
    return render(request, "mfa/recovery_codes.html", {"codes": codes, "first_time": False})
