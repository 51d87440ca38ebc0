"""Security keys and passkeys (WebAuthn), and recovery codes: single-use codes for the day the phone is lost.

Both are django-otp devices, so django-otp's session state (``user.is_verified()``) covers them as it covers
authenticator apps.

django-otp's own static tokens are kept as they are typed; ours keep only a digest, so that a copy of the
database does not hand out working codes. A code has 80 random bits, so a plain SHA-256 digest is enough:
there is nothing to guess as there is with a password.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin


def code_digest(code: str) -> str:
    """The stored form of a code, as typed with or without dashes, spaces and case."""
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A user's current set of recovery codes, as one django-otp device."""

    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str) -> bool:
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        # The conditional update makes a code single-use even when two requests present it at once.
        used = self.codes.filter(digest=code_digest(token), used_at=None).update(used_at=timezone.now()) == 1
        if used:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return used


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_unique_digest")]
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.device.user}: {'used' if self.used_at else 'unused'}"


class WebAuthnDevice(Device):
    """A security key or passkey registered through the browser's WebAuthn ceremony.

    It never verifies a typed token: its proof is a signature the browser makes over a challenge
    (:mod:`tuki.mfa.passkeys`), after which the view logs the device in with django-otp.
    """

    credential_id = models.CharField(max_length=1024, unique=True)  # base64url, as the browser sends it
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta(Device.Meta):
        verbose_name = _("security key")
        verbose_name_plural = _("security keys")

    def verify_token(self, token: str) -> bool:
        return False
