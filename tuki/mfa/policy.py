"""Who must pass a second step, and where a signed-in user stands with it."""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuki.accounts.models import User


class Standing(enum.Enum):
    DONE = "done"  # verified, or nobody asks this user for a second step
    VERIFY = "verify"  # has a device: must use it before going on
    ENROL = "enrol"  # must have a device and has none


def is_required(user: User) -> bool:
    """Managers always; agents when TUKI_MFA_REQUIRED_FOR_AGENTS is on; the customers' contacts never."""
    if user.is_manager:
        return True
    return user.is_supplier_staff and bool(settings.TUKI_MFA_REQUIRED_FOR_AGENTS)


def authenticators(user: User) -> list[TOTPDevice]:
    """The user's confirmed authenticator apps: the devices a second step can rest on (recovery codes are
    a way back in, not a device of their own)."""
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk"))


def standing(user: Any) -> Standing:
    """Where ``user`` (request.user behind django-otp's middleware) stands with the second step."""
    if not user.is_authenticated or not user.is_supplier_staff:
        return Standing.DONE
    if user.is_verified():
        return Standing.DONE
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return Standing.VERIFY
    return Standing.ENROL if is_required(user) else Standing.DONE
