"""The second step of login, done in tests the way a person does it: with a code from their device.

``enrolled_device`` enrols an authenticator app through the real services, answering with the code the app
would show; ``complete_second_step`` marks a test client's session verified through django-otp's own login,
exactly as the verification page does after a correct code.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest
from django.test import Client
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuki.accounts.models import User
from tuki.mfa.policy import is_required
from tuki.mfa.services import totp_device_confirm, totp_device_start


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now, or the next one when the current one was used already (codes are single-use
    within their window, and django-otp accepts one step of drift)."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step
    drift = max(now, device.last_t + 1) - now
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{token:0{device.digits}d}"


def enrolled_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, enrolled through the services when there is none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = totp_device_start(user=user)
        totp_device_confirm(user=user, device=device, code=code_for(device))
        device.refresh_from_db()
    return device


def complete_second_step(client: Client, user: User) -> None:
    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    otp_login(request, enrolled_device(user))
    session.save()


class VerifyingClient(Client):
    """A test client whose force_login also passes the second step for staff who owe one."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        if user.is_supplier_staff and (is_required(user) or TOTPDevice.objects.filter(user=user).exists()):
            complete_second_step(self, user)
