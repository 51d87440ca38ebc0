"""Security keys (WebAuthn) beside authenticator apps: the rules that do not need a browser.

The ceremony itself, with a real signature, runs in tests/browser/test_two_step.py against Chromium's
virtual authenticator.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tests.second_step import enrolled_device
from tuki.mfa.models import RecoveryCode, RecoveryCodeDevice, WebAuthnDevice
from tuki.mfa.passkeys import NewCredential
from tuki.mfa.services import (
    FAILURES_ALLOWED,
    authenticator_remove,
    security_key_register,
    security_key_used,
)


def _credential() -> NewCredential:
    return NewCredential(credential_id=secrets.token_urlsafe(32), public_key=b"not checked here", sign_count=0)


def test_a_first_security_key_brings_recovery_codes(manager: Any) -> None:
    device, codes = security_key_register(user=manager, credential=_credential(), name="")
    assert device.name == "Suojausavain"  # a key left unnamed gets the kind's name
    assert len(codes) == 10
    assert RecoveryCode.objects.filter(device__user=manager).count() == 10


def test_a_key_is_registered_once(manager: Any, agent: Any) -> None:
    credential = _credential()
    security_key_register(user=manager, credential=credential, name="Key")
    with pytest.raises(ValidationError):
        security_key_register(user=agent, credential=credential, name="Key")
    assert WebAuthnDevice.objects.count() == 1


def test_a_manager_keeps_a_key_when_it_is_the_last_authenticator(manager: Any) -> None:
    app = enrolled_device(manager)
    key, _codes = security_key_register(user=manager, credential=_credential(), name="Key")
    authenticator_remove(user=manager, kind="totp", device_id=app.pk)
    with pytest.raises(ValidationError) as refused:
        authenticator_remove(user=manager, kind="key", device_id=key.pk)
    assert refused.value.code == "last_device"
    # The kind is part of the address: a key's number does not remove an app with the same number.
    with pytest.raises(ValidationError):
        authenticator_remove(user=manager, kind="totp", device_id=key.pk)


def test_a_sign_count_that_goes_back_is_refused(manager: Any) -> None:
    key, _codes = security_key_register(user=manager, credential=_credential(), name="Key")
    assert security_key_used(device=key, sign_count=5)
    assert not security_key_used(device=key, sign_count=5)
    assert not security_key_used(device=key, sign_count=3)
    assert security_key_used(device=key, sign_count=6)


def test_a_forged_answer_opens_nothing_and_counts_as_a_failure(manager: Any) -> None:
    key, _codes = security_key_register(user=manager, credential=_credential(), name="Key")
    client = Client()
    client.post(reverse("accounts:login"), {"username": manager.email, "password": PASSWORD})
    page = client.get(reverse("mfa:verify"))
    assert b"webauthn-verify-options" in page.content
    forged = json.dumps({"id": key.credential_id, "rawId": key.credential_id, "type": "public-key", "response": {}})
    for _ in range(FAILURES_ALLOWED):
        response = client.post(reverse("mfa:verify"), {"credential": forged})
        assert response.status_code == 200
    assert client.get(reverse("desk:home")).status_code == 302
    throttled = client.post(reverse("mfa:verify"), {"credential": forged})
    assert "15" in throttled.content.decode()


def test_the_verify_page_of_a_person_without_keys_offers_none(manager: Any) -> None:
    enrolled_device(manager)
    client = Client()
    client.post(reverse("accounts:login"), {"username": manager.email, "password": PASSWORD})
    assert b"webauthn-verify-options" not in client.get(reverse("mfa:verify")).content


def test_the_admin_shows_no_secret_and_removes_a_lost_authenticator(client: Client, manager: Any, agent: Any) -> None:
    app = enrolled_device(agent)
    client.force_login(manager)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    page = client.get(f"/admin/otp_totp/totpdevice/{app.pk}/change/")
    assert page.status_code == 200
    assert app.key not in page.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{app.pk}/qrcode/").status_code in (302, 404)
    client.post(f"/admin/otp_totp/totpdevice/{app.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=app.pk).exists()
    assert not RecoveryCodeDevice.objects.filter(user=agent).exists()
