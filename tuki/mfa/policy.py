"""Who must pass a second step, and where a signed-in user stands with it."""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuki.accounts.models import User
from tuki.mfa.models import WebAuthnDevice

# The kinds of device a second step rests on, by the name addresses use for them.
AUTHENTICATOR_KINDS: dict[str, type[Device]] = {"totp": TOTPDevice, "key": WebAuthnDevice}


class Standing(enum.Enum):
    DONE = "done"  # verified, or nobody asks this user for a second step
    VERIFY = "verify"  # has a device: must use it before going on
    ENROL = "enrol"  # must have a device and has none


def is_required(user: User) -> bool:
    """Managers always; agents when TUKI_MFA_REQUIRED_FOR_AGENTS is on; the customers' contacts never."""
    if user.is_manager:
        return True
    return user.is_supplier_staff and bool(settings.TUKI_MFA_REQUIRED_FOR_AGENTS)


def authenticators(user: User) -> list[Device]:
    """The user's confirmed authenticator apps and security keys, oldest first: the devices a second step
    can rest on (recovery codes are a way back in, not a device of their own)."""
    found = [
        device for kind in AUTHENTICATOR_KINDS.values() for device in kind.objects.filter(user=user, confirmed=True)
    ]
    # Both kinds have created_at (django-otp's TimestampMixin for apps, our own field for keys).
    return sorted(found, key=lambda device: (getattr(device, "created_at", None), device.pk))


def kind_of(device: Device) -> str:
    return next(name for name, kind in AUTHENTICATOR_KINDS.items() if isinstance(device, kind))


def has_authenticator(user: User) -> bool:
    """One query, on every page of staff who have not passed the step."""
    apps = TOTPDevice.objects.filter(user=user, confirmed=True).values("pk")
    keys = WebAuthnDevice.objects.filter(user=user, confirmed=True).values("pk")
    return apps.union(keys).exists()


def standing(user: Any) -> Standing:
    """Where ``user`` (request.user behind django-otp's middleware) stands with the second step."""
    if not user.is_authenticated or not user.is_supplier_staff:
        return Standing.DONE
    # is_verified comes from django-otp's middleware; without it nobody counts as verified.
    if getattr(user, "is_verified", lambda: False)():
        return Standing.DONE
    if has_authenticator(user):
        return Standing.VERIFY
    return Standing.ENROL if is_required(user) else Standing.DONE
