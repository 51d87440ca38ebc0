"""Enrolling an authenticator, recovery codes, removal and the second step itself, through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.second_step import code_for, enrolled_device
from tuki.mfa.models import RecoveryCode, RecoveryCodeDevice, code_digest
from tuki.mfa.services import (
    FAILURES_ALLOWED,
    authenticator_remove,
    recovery_codes_regenerate,
    second_step_verify,
    totp_device_confirm,
    totp_device_start,
)


def test_enrolment_needs_the_code_the_app_shows(manager: Any) -> None:
    device = totp_device_start(user=manager)
    assert not device.confirmed
    assert totp_device_start(user=manager) == device  # a reload shows the same key to scan

    with pytest.raises(ValidationError) as wrong:
        totp_device_confirm(user=manager, device=device, code="000000" if code_for(device) != "000000" else "111111")
    assert wrong.value.code == "wrong_code"
    device.refresh_from_db()
    assert not device.confirmed
    assert not RecoveryCodeDevice.objects.filter(user=manager).exists()

    codes = totp_device_confirm(user=manager, device=device, code=code_for(device))
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10 == len(set(codes))
    stored = set(RecoveryCode.objects.filter(device__user=manager).values_list("digest", flat=True))
    assert stored == {code_digest(code) for code in codes}
    assert not any(code in digest or code.replace("-", "") in digest for code in codes for digest in stored)


def test_a_second_authenticator_keeps_the_recovery_codes(manager: Any) -> None:
    enrolled_device(manager)
    before = set(RecoveryCode.objects.filter(device__user=manager).values_list("digest", flat=True))
    second = totp_device_start(user=manager)
    assert totp_device_confirm(user=manager, device=second, code=code_for(second)) == []
    assert set(RecoveryCode.objects.filter(device__user=manager).values_list("digest", flat=True)) == before


def test_contacts_cannot_enrol(anna: Any) -> None:
    with pytest.raises(PermissionDenied):
        totp_device_start(user=anna)


def test_an_authenticator_code_works_once(manager: Any) -> None:
    device = enrolled_device(manager)
    code = code_for(device)
    assert second_step_verify(user=manager, code=code) == device
    assert second_step_verify(user=manager, code=code) is None


def test_a_recovery_code_works_once_typed_any_way(manager: Any) -> None:
    enrolled_device(manager)
    codes = recovery_codes_regenerate(user=manager)
    typed = codes[3].lower().replace("-", " ")
    device = second_step_verify(user=manager, code=typed)
    assert isinstance(device, RecoveryCodeDevice)
    # A failed try waits out django-otp's growing delay before the next; reset it to test the reuse itself.
    assert second_step_verify(user=manager, code=codes[3]) is None
    RecoveryCodeDevice.objects.filter(user=manager).update(throttling_failure_count=0)
    assert second_step_verify(user=manager, code=codes[4]) is not None
    assert RecoveryCode.objects.filter(device__user=manager, used_at=None).count() == 8


def test_new_recovery_codes_replace_the_old(manager: Any) -> None:
    enrolled_device(manager)
    old = recovery_codes_regenerate(user=manager)
    new = recovery_codes_regenerate(user=manager)
    assert second_step_verify(user=manager, code=old[0]) is None
    RecoveryCodeDevice.objects.filter(user=manager).update(throttling_failure_count=0)
    assert second_step_verify(user=manager, code=new[0]) is not None


def test_no_recovery_codes_without_an_authenticator(agent: Any) -> None:
    with pytest.raises(ValidationError):
        recovery_codes_regenerate(user=agent)


def test_wrong_codes_are_limited_per_user(manager: Any) -> None:
    device = enrolled_device(manager)
    for _ in range(FAILURES_ALLOWED):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # past django-otp's own delay
        assert second_step_verify(user=manager, code="000000" if code_for(device) != "000000" else "111111") is None
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    with pytest.raises(ValidationError) as throttled:
        second_step_verify(user=manager, code=code_for(device))
    assert throttled.value.code == "throttled"


def test_django_otp_delays_the_next_try_after_a_wrong_code(manager: Any) -> None:
    device = enrolled_device(manager)
    right = code_for(device)
    assert second_step_verify(user=manager, code="000000" if right != "000000" else "111111") is None
    assert second_step_verify(user=manager, code=right) is None  # within the one-second delay


def test_a_manager_keeps_the_last_authenticator(manager: Any) -> None:
    device = enrolled_device(manager)
    with pytest.raises(ValidationError) as refused:
        authenticator_remove(user=manager, kind="totp", device_id=device.pk)
    assert refused.value.code == "last_device"
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    second = totp_device_start(user=manager)
    totp_device_confirm(user=manager, device=second, code=code_for(second))
    authenticator_remove(user=manager, kind="totp", device_id=device.pk)
    assert list(TOTPDevice.objects.filter(user=manager)) == [second]


def test_an_agent_keeps_the_last_authenticator_when_the_setting_requires_it(agent: Any, settings: Any) -> None:
    device = enrolled_device(agent)
    settings.TUKI_MFA_REQUIRED_FOR_AGENTS = True
    with pytest.raises(ValidationError):
        authenticator_remove(user=agent, kind="totp", device_id=device.pk)
    settings.TUKI_MFA_REQUIRED_FOR_AGENTS = False
    authenticator_remove(user=agent, kind="totp", device_id=device.pk)
    assert not TOTPDevice.objects.filter(user=agent).exists()
    # Recovery codes without an authenticator would be a second password: they go with the last one.
    assert not RecoveryCodeDevice.objects.filter(user=agent).exists()


def test_nobody_removes_another_persons_authenticator(agent: Any, manager: Any) -> None:
    device = enrolled_device(agent)
    with pytest.raises(ValidationError):
        authenticator_remove(user=manager, kind="totp", device_id=device.pk)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
