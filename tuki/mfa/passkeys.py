"""The WebAuthn ceremonies, through py_webauthn: options for the browser, and checks of what it answers.

The relying party is the host the person is on (already checked against ALLOWED_HOSTS by Django), so that
the same code serves production, the demo and the tests' live server. The challenge lives in the session
between the page and its answer, and is used once.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from tuki.accounts.models import User
from tuki.mfa.models import WebAuthnDevice

_SESSION_KEY = "mfa_webauthn_challenge"
_CHALLENGE_BYTES = 32


class CeremonyFailed(Exception):
    """The browser's answer does not prove what it should; the message is for the log, not for the page."""


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str
    origin: str

    @classmethod
    def of(cls, request: HttpRequest) -> RelyingParty:
        host = request.get_host()
        # The host without its port: WebAuthn's relying party id is a domain name.
        domain = host if host.endswith("]") else host.rsplit(":", 1)[0]
        return cls(rp_id=domain, origin=f"{request.scheme}://{host}")


@dataclass(frozen=True)
class NewCredential:
    credential_id: str
    public_key: bytes
    sign_count: int


def _challenge(request: HttpRequest) -> bytes:
    """The session's open challenge, or a new one. Kept until an answer uses it, so that a page opened again
    (or in a second tab) does not void the one the person is answering."""
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url  # noqa: PLC0415

    stored = request.session.get(_SESSION_KEY)
    if stored:
        return base64url_to_bytes(stored)
    challenge = secrets.token_bytes(_CHALLENGE_BYTES)
    request.session[_SESSION_KEY] = bytes_to_base64url(challenge)
    return challenge


def _take_challenge(request: HttpRequest) -> bytes:
    from webauthn import base64url_to_bytes  # noqa: PLC0415 - cryptography and cbor2 only where keys are used

    challenge = request.session.pop(_SESSION_KEY, None)
    if not challenge:
        raise CeremonyFailed("no challenge in the session")
    return base64url_to_bytes(challenge)


def registration_options(request: HttpRequest, user: User) -> str:
    """The JSON options for navigator.credentials.create(); remembers their challenge in the session."""
    import webauthn  # noqa: PLC0415
    from webauthn.helpers.structs import (  # noqa: PLC0415
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
    )

    party = RelyingParty.of(request)
    existing = WebAuthnDevice.objects.filter(user=user, confirmed=True).values_list("credential_id", flat=True)
    options = webauthn.generate_registration_options(
        rp_id=party.rp_id,
        rp_name=settings.TUKI_SUPPLIER_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.email,
        user_display_name=user.full_name or user.email,
        exclude_credentials=[PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c)) for c in existing],
        authenticator_selection=AuthenticatorSelectionCriteria(resident_key=ResidentKeyRequirement.DISCOURAGED),
        challenge=_challenge(request),
    )
    return str(webauthn.options_to_json(options))


def registration_verify(request: HttpRequest, answer: str) -> NewCredential:
    """Check the browser's answer to :func:`registration_options`; the credential to keep."""
    import webauthn  # noqa: PLC0415
    from webauthn.helpers import bytes_to_base64url  # noqa: PLC0415
    from webauthn.helpers.exceptions import WebAuthnException  # noqa: PLC0415

    party = RelyingParty.of(request)
    try:
        verified = webauthn.verify_registration_response(
            credential=answer,
            expected_challenge=_take_challenge(request),
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyFailed(str(error)) from error
    return NewCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes(verified.credential_public_key),
        sign_count=verified.sign_count,
    )


def authentication_options(request: HttpRequest, user: User) -> str | None:
    """The JSON options for navigator.credentials.get(), or None when the user has no security key."""
    ids = list(WebAuthnDevice.objects.filter(user=user, confirmed=True).values_list("credential_id", flat=True))
    if not ids:
        return None
    import webauthn  # noqa: PLC0415
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor  # noqa: PLC0415

    options = webauthn.generate_authentication_options(
        rp_id=RelyingParty.of(request).rp_id,
        allow_credentials=[PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c)) for c in ids],
        challenge=_challenge(request),
    )
    return str(webauthn.options_to_json(options))


def authentication_verify(request: HttpRequest, device: WebAuthnDevice, answer: str) -> int:
    """Check the browser's signature with ``device``'s public key; the authenticator's new sign count."""
    import webauthn  # noqa: PLC0415
    from webauthn.helpers.exceptions import WebAuthnException  # noqa: PLC0415

    party = RelyingParty.of(request)
    try:
        verified = webauthn.verify_authentication_response(
            credential=answer,
            expected_challenge=_take_challenge(request),
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
            credential_public_key=bytes(device.public_key),
            credential_current_sign_count=device.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyFailed(str(error)) from error
    return int(verified.new_sign_count)


def credential_id_of(answer: str) -> str:
    """The credential id the browser says it used (checked by the signature afterwards)."""
    try:
        value = json.loads(answer)["id"]
    except (ValueError, KeyError, TypeError):
        raise CeremonyFailed("no credential id") from None
    if not isinstance(value, str):
        raise CeremonyFailed("no credential id")
    return value
