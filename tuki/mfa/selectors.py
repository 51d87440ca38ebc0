"""Reads of the second step."""

from __future__ import annotations

from tuki.accounts.models import User
from tuki.mfa.models import RecoveryCode


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True, used_at=None).count()
