"""Making, revoking and opening personal API tokens. Each change is written to the audit log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import User
from tuki.apitokens.models import ApiToken, Scope
from tuki.audit.models import Action
from tuki.audit.services import audit_record

# What every token starts with: a reader (or a secret scanner) recognises a Tuki token by it.
MARK = "tuki_"
PREFIX_LENGTH = 12  # of the token, the mark included: found by index, the rest compared by digest
# The last-used time is written at most this often: a busy integration would otherwise write on every call.
LAST_USED_GRAIN = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 100


class TokenRefused(Exception):
    """The token opens nothing; ``reason`` says why: unknown, expired, revoked or inactive."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _may_make_tokens(actor: User) -> bool:
    if actor.is_supplier_staff:
        return True
    contact = getattr(actor, "contact", None)
    return contact is not None and contact.deactivated_at is None and actor.is_active


@transaction.atomic
def api_token_create(
    *,
    actor: User,
    name: str,
    scope: str = Scope.READ,
    expires_at: datetime | None = None,
    address: str = "",
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token acting as ``actor``; returns it with the secret, which is not stored and never shown again."""
    now = now or timezone.now()
    if not _may_make_tokens(actor):
        raise PermissionDenied(_("You may not make API tokens."))
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    secret = MARK + secrets.token_urlsafe(32)
    contact = getattr(actor, "contact", None) if not actor.is_supplier_staff else None
    token = ApiToken(
        user=actor,
        organisation_id=contact.organisation_id if contact is not None else None,
        name=name.strip(),
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        digest=_digest(secret),
        created_at=now,
        created_by=actor,
        expires_at=expires_at,
    )
    token.full_clean(exclude=["user", "organisation", "created_by", "revoked_by"])
    token.save()
    audit_record(
        action=Action.API_TOKEN_CREATED,
        actor=actor,
        target=token,
        address=address,
        details={"scope": scope, "expires_at": expires_at.isoformat() if expires_at else None},
        now=now,
    )
    return token, secret


def may_revoke(actor: User, token: ApiToken) -> bool:
    """The token's owner; a customer manager of its organisation; a service manager any staff member's."""
    if token.user_id == actor.pk:
        return True
    if actor.is_supplier_staff:
        return actor.is_manager and token.organisation_id is None
    contact = getattr(actor, "contact", None)
    return (
        contact is not None
        and contact.is_customer_manager
        and contact.deactivated_at is None
        and contact.organisation_id == token.organisation_id
    )


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken, address: str = "", now: datetime | None = None) -> ApiToken:
    """Revoke ``token`` at once; revoking a revoked token changes nothing."""
    now = now or timezone.now()
    if not may_revoke(actor, token):
        raise PermissionDenied(_("You may not revoke this API token."))
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor):
        token.revoked_at, token.revoked_by = now, actor
        audit_record(action=Action.API_TOKEN_REVOKED, actor=actor, target=token, address=address, now=now)
    return token


def api_token_open(secret: str, *, now: datetime | None = None) -> ApiToken:
    """The usable token ``secret`` is, with its user (and contact); TokenRefused otherwise.

    The digests are compared in constant time; the last-used time is written at most once a minute.
    """
    now = now or timezone.now()
    if not secret.startswith(MARK) or not PREFIX_LENGTH < len(secret) <= MAX_TOKEN_LENGTH:
        raise TokenRefused("unknown")
    digest = _digest(secret)
    # With the contact's organisation: filing a request names it, and the call would otherwise read it again.
    candidates = ApiToken.objects.select_related("user__contact__organisation").filter(prefix=secret[:PREFIX_LENGTH])
    token = next((row for row in candidates if secrets.compare_digest(row.digest, digest)), None)
    if token is None:
        raise TokenRefused("unknown")
    if token.revoked_at is not None:
        raise TokenRefused("revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused("expired")
    user = token.user
    contact = getattr(user, "contact", None)
    if not user.is_active or (contact is not None and contact.deactivated_at is not None):
        raise TokenRefused("inactive")
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_GRAIN:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
