"""Signing webhook messages as the Standard Webhooks specification says (https://www.standardwebhooks.com/).

Pure: no Django, no database. The sender signs ``{id}.{timestamp}.{body}`` with HMAC-SHA256 under the
subscription's secret and sends ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers; a receiver
checks them with :func:`verify` (or any Standard Webhooks library). The secret is ``whsec_`` and the base64 of
its bytes; the signature is ``v1,`` and the base64 of the digest. Several space-separated signatures may stand in
the header (while a secret is being rotated); one that matches is enough.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the specification gives secrets, not a secret
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes
TOLERANCE_SECONDS = 5 * 60  # how old (or how far ahead) a timestamp a receiver accepts: replay protection


class VerificationError(Exception):
    """The message is not what the sender signed, or not fresh."""


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` value of one message."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(
    secret: str, received: Mapping[str, str], body: str, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> None:
    """Raise :class:`VerificationError` unless ``received`` (the headers, any case) sign ``body`` under ``secret``
    with a timestamp within ``tolerance`` seconds of ``now`` (Unix seconds)."""
    lowered = {name.lower(): value for name, value in received.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        offered = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        raise VerificationError("missing or malformed webhook headers") from None
    if abs(now - timestamp) > tolerance:
        raise VerificationError("timestamp outside the tolerance")
    expected = sign(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise VerificationError("no matching signature")
