"""Writes of the second step: enrolling authenticator apps and security keys, recovery codes, removal,
verification."""

from __future__ import annotations

import base64
import binascii
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuki.accounts.models import User
from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.core import ratelimit
from tuki.mfa.models import RecoveryCode, RecoveryCodeDevice, WebAuthnDevice, code_digest
from tuki.mfa.passkeys import NewCredential
from tuki.mfa.policy import AUTHENTICATOR_KINDS, authenticators, is_required

RECOVERY_CODES = 10
# Crockford's alphabet: no I, L, O or U to misread when a code is typed from paper.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Wrong second-step codes per user before the step refuses everything for a while, on top of django-otp's
# growing delay per device: an attacker who has the password gets a few guesses an hour, not a million.
FAILURES_ALLOWED = 10
FAILURE_WINDOW_SECONDS = 15 * 60


def _recovery_code() -> str:
    """16 characters (80 bits) in four groups: XXXX-XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _require_staff(user: User) -> None:
    if not user.is_supplier_staff:
        raise PermissionDenied


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for ``user`` to scan; the one already waiting, if there is one."""
    _require_staff(user)
    waiting = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if waiting is not None:
        return waiting
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with a code it shows; the new recovery codes when the user had none, else [].

    Raises ValidationError with a message for the form when the code is not the device's.
    """
    _require_staff(user)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(code.strip().replace(" ", "")):
        raise ValidationError(
            _("The code is not the one your app shows now. Check the time on your phone and try the next code."),
            code="wrong_code",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit_device(Action.AUTHENTICATOR_ADDED, user, user, device)
    return _first_recovery_codes(user)


def _audit_device(action: Action, actor: User, user: User, device: Device) -> None:
    audit_record(
        action=action,
        actor=actor,
        target=user,
        target_label=user.email,
        details={"authenticator": type(device).__name__, "name": device.name},
    )


def _first_recovery_codes(user: User) -> list[str]:
    if RecoveryCodeDevice.objects.filter(user=user, confirmed=True).exists():
        return []
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def security_key_register(*, user: User, credential: NewCredential, name: str) -> tuple[WebAuthnDevice, list[str]]:
    """Keep a security key whose registration the browser proved; the first recovery codes as with an app."""
    _require_staff(user)
    name = name.strip() or _("Security key")
    if WebAuthnDevice.objects.filter(credential_id=credential.credential_id).exists():
        raise ValidationError(_("This security key is registered already."), code="duplicate")
    device = WebAuthnDevice(
        user=user,
        name=name[:64],
        credential_id=credential.credential_id,
        public_key=credential.public_key,
        sign_count=credential.sign_count,
    )
    device.full_clean()
    device.save()
    _audit_device(Action.AUTHENTICATOR_ADDED, user, user, device)
    return device, _first_recovery_codes(user)


def security_key_used(*, device: WebAuthnDevice, sign_count: int) -> bool:
    """Record a verified use of a key. False when the count went backwards meanwhile (a cloned key, or a
    second login racing this one): the use does not count then.

    Keys that keep no counter always report 0; for them there is nothing to compare.
    """
    if sign_count == 0:
        return True
    updated = WebAuthnDevice.objects.filter(pk=device.pk, sign_count__lt=sign_count).update(sign_count=sign_count)
    return updated == 1


def second_step_failed(*, user: User) -> None:
    """Count a failed second step (a wrong code, or a security key's answer that did not verify)."""
    audit_record(action=Action.SECOND_STEP_FAILED, actor=user)
    ratelimit.hit(f"mfa:fail:{user.pk}", limit=FAILURES_ALLOWED, window_seconds=FAILURE_WINDOW_SECONDS)


def second_step_allowed(*, user: User) -> bool:
    return ratelimit.count(f"mfa:fail:{user.pk}", window_seconds=FAILURE_WINDOW_SECONDS) < FAILURES_ALLOWED


@transaction.atomic
def totp_device_import(*, user: User, secret: str, name: str) -> TOTPDevice:
    """A confirmed authenticator with a secret that already exists elsewhere (base32, as apps show it).

    For the demo's published login; a real person enrols through :func:`totp_device_start`, so that the secret
    is made here and seen by no one else.
    """
    _require_staff(user)
    try:
        key = base64.b32decode(secret.replace(" ", "").upper())
    except binascii.Error:
        raise ValidationError(_("The key is not a base32 secret."), code="bad_key") from None
    device = TOTPDevice.objects.create(user=user, name=name, key=key.hex(), confirmed=True)
    _audit_device(Action.AUTHENTICATOR_ADDED, user, user, device)
    return device


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """A new set of ten codes, replacing the old set; returned once, stored only as digests."""
    _require_staff(user)
    if not authenticators(user):
        raise ValidationError(_("Add an authenticator app before recovery codes."), code="no_device")
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name=_("Recovery codes"))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=code_digest(code)) for code in codes)
    audit_record(action=Action.RECOVERY_CODES_RENEWED, actor=user, target=user, target_label=user.email)
    return codes


@transaction.atomic
def authenticator_remove(*, user: User, kind: str, device_id: int) -> None:
    """Remove one of the user's authenticators (``kind`` "totp" or "key"). Whoever must have a second step
    keeps at least one."""
    _require_staff(user)
    devices = authenticators(user)
    model = AUTHENTICATOR_KINDS.get(kind)
    device = next((d for d in devices if type(d) is model and d.pk == device_id), None)
    if device is None:
        raise ValidationError(_("That authenticator no longer exists."), code="missing")
    if len(devices) == 1 and is_required(user):
        raise ValidationError(
            _(
                "This is your only authenticator, and your role requires a second step. "
                "Add another authenticator first, then remove this one."
            ),
            code="last_device",
        )
    _audit_device(Action.AUTHENTICATOR_REMOVED, user, user, device)
    device.delete()
    if len(devices) == 1:
        # Recovery codes are a way back to an authenticator; without one they would be a second password.
        RecoveryCodeDevice.objects.filter(user=user).delete()


@transaction.atomic
def authenticator_revoke(*, actor: User, device: Device) -> None:
    """A manager removes someone's authenticator (a lost phone or key). With the last one go the recovery
    codes, and at the next login the person sets up a new authenticator."""
    if not actor.is_manager:
        raise PermissionDenied
    user = device.user
    _audit_device(Action.AUTHENTICATOR_REMOVED, actor, user, device)
    device.delete()
    if not authenticators(user):
        RecoveryCodeDevice.objects.filter(user=user).delete()


def second_step_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code`` (an authenticator's six digits or a recovery code), or None.

    Raises ValidationError when the user has failed too often lately; the code is not even tried then.
    """
    if not second_step_allowed(user=user):
        raise ValidationError(_("Too many wrong codes. Wait 15 minutes and try again."), code="throttled")
    cleaned = "".join(code.split())
    if cleaned.isdigit():
        devices: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(RecoveryCodeDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(cleaned):
                return locked
    second_step_failed(user=user)
    return None
