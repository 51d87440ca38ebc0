from __future__ import annotations

import json
import logging

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
from tuki.accounts.models import User
from tuki.core.permissions import staff_required
from tuki.core.redirects import safe_next
from tuki.mfa import passkeys
from tuki.mfa.forms import CodeForm, ConfirmForm, SecurityKeyForm
from tuki.mfa.models import RecoveryCodeDevice, WebAuthnDevice
from tuki.mfa.policy import Standing, authenticators, is_required, kind_of, standing
from tuki.mfa.presentation import manual_key, qr_code_data_url
from tuki.mfa.selectors import recovery_codes_left
from tuki.mfa.services import (
    authenticator_remove,
    recovery_codes_regenerate,
    second_step_allowed,
    second_step_failed,
    second_step_verify,
    security_key_register,
    security_key_used,
    totp_device_confirm,
    totp_device_start,
)

log = logging.getLogger(__name__)


def _key_login(request: HttpRequest, user: User, answer: str) -> WebAuthnDevice | None:
    """The security key that signed the browser's answer, or None (counted as a failed second step)."""
    try:
        credential_id = passkeys.credential_id_of(answer)
        device = WebAuthnDevice.objects.get(user=user, confirmed=True, credential_id=credential_id)
        sign_count = passkeys.authentication_verify(request, device, answer)
    except (passkeys.CeremonyFailed, WebAuthnDevice.DoesNotExist) as error:
        log.info("Security key login of user %s failed: %s", user.pk, error)
        second_step_failed(user=user)
        return None
    if not security_key_used(device=device, sign_count=sign_count):
        log.warning("Security key %s of user %s answered with an old sign count", device.pk, user.pk)
        second_step_failed(user=user)
        return None
    return device


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code from the authenticator app or a recovery code."""
    user = acting_user(request)
    if standing(request.user) is not Standing.VERIFY:
        return redirect(safe_next(request, "accounts:home"))
    form = CodeForm(request.POST if request.method == "POST" and "code" in request.POST else None)
    key_problem = ""
    if request.method == "POST" and "credential" in request.POST:
        if not second_step_allowed(user=user):
            key_problem = _("Too many wrong codes. Wait 15 minutes and try again.")
        elif (key := _key_login(request, user, request.POST["credential"])) is not None:
            otp_login(request, key)
            return redirect(safe_next(request, "accounts:home"))
        else:
            key_problem = _("The security key did not answer as registered. Try again or use a code.")
    elif request.method == "POST" and form.is_valid():
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
    context = {
        "form": form,
        "next": safe_next(request, ""),
        "key_options": _json(passkeys.authentication_options(request, user)),
        "key_problem": key_problem,
    }
    return render(request, "mfa/verify.html", context)


def _json(options: str | None) -> object:
    """Options as a value for json_script (which encodes it once, safely for an HTML page)."""
    return json.loads(options) if options else None


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
    return _enrol_page(request, user, form=form, key_form=SecurityKeyForm(), state=state)


def _enrol_page(
    request: HttpRequest, user: User, *, form: ConfirmForm, key_form: SecurityKeyForm, state: Standing
) -> HttpResponse:
    device = totp_device_start(user=user)
    context = {
        "form": form,
        "key_form": key_form,
        "qr_code": qr_code_data_url(device),
        "manual_key": manual_key(device),
        "required": state is Standing.ENROL,
        "key_options": _json(passkeys.registration_options(request, user)),
    }
    return render(request, "mfa/enrol.html", context)


@login_required
@require_POST
def key_register(request: HttpRequest) -> HttpResponse:
    """The browser's answer to a security key's registration, posted from the enrolment page."""
    user = acting_user(request)
    state = standing(request.user)
    if not user.is_supplier_staff or state is Standing.VERIFY:
        raise Http404
    key_form = SecurityKeyForm(request.POST)
    if key_form.is_valid():
        try:
            credential = passkeys.registration_verify(request, key_form.cleaned_data["credential"])
            device, codes = security_key_register(user=user, credential=credential, name=key_form.cleaned_data["name"])
        except passkeys.CeremonyFailed as error:
            log.info("Security key registration of user %s failed: %s", user.pk, error)
            key_form.add_error(None, _("The security key's answer could not be checked. Try again."))
        except ValidationError as error:
            key_form.add_error(None, error)
        else:
            otp_login(request, device)
            messages.success(request, _("The security key is ready. You can use it at login."))
            if codes:
                return render(request, "mfa/recovery_codes.html", {"codes": codes, "first_time": True})
            return redirect("mfa:devices")
    return _enrol_page(request, user, form=ConfirmForm(), key_form=key_form, state=state)


@staff_required
def devices(request: HttpRequest) -> HttpResponse:
    """The user's authenticators and recovery codes."""
    user = acting_user(request)
    context = {
        "devices": [(kind_of(device), device) for device in authenticators(user)],
        "codes_left": recovery_codes_left(user),
        "required": is_required(user),
    }
    return render(request, "mfa/devices.html", context)


@staff_required
@require_POST
def device_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = acting_user(request)
    try:
        authenticator_remove(user=user, kind=kind, device_id=pk)
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
