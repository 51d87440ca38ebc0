"""Who must pass a second step, and where a signed-in user stands with it."""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuki.accounts.models import User
from tuki.core.versioned import Versioned
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


def _load_owners() -> frozenset[int]:
    apps = TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True)
    keys = WebAuthnDevice.objects.filter(confirmed=True).values_list("user_id", flat=True)
    return frozenset(apps.union(keys))


# Who has a confirmed authenticator: asked on every page of staff who have not passed the step (most agents,
# while the step is optional for them), and only the staff ever have one, so each process keeps the few ids
# instead of asking the database on each page (one cache lookup, see tuki.core.versioned).
OWNERS: Versioned[frozenset[int]] = Versioned("authenticator-owners", _load_owners)


@receiver(post_save, sender=TOTPDevice)
@receiver(post_delete, sender=TOTPDevice)
@receiver(post_save, sender=WebAuthnDevice)
@receiver(post_delete, sender=WebAuthnDevice)
def _devices_changed(**kwargs: object) -> None:
    OWNERS.changed()


def has_authenticator(user: User) -> bool:
    return user.pk in OWNERS.get()


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
