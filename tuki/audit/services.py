"""The one way into the audit log. Call it inside the transaction of the change it records, so that a change
that is rolled back leaves no entry behind."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from tuki.audit.models import Action, AuditEntry

_LABEL_LENGTH = 200


def _text(value: str, length: int) -> str:
    # PostgreSQL refuses NUL in text, and what a stranger typed into a login form may be of any length.
    return value.replace("\x00", "").strip()[:length]


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@transaction.atomic
def audit_record(
    *,
    action: Action,
    actor: AbstractBaseUser | None = None,
    identifier: str = "",
    target: models.Model | None = None,
    target_label: str = "",
    address: str = "",
    details: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Add one entry. ``identifier`` defaults to the actor's email; for a failed login it is what was tried."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    entry = AuditEntry(
        created_at=now or timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        identifier=_text(identifier or (actor.get_username() if actor is not None else ""), 254),
        action=action,
        address=_address(address),
        details=dict(details or {}),
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_label = _text(target_label or str(target), _LABEL_LENGTH)
    else:
        entry.target_label = _text(target_label, _LABEL_LENGTH)
    entry.save()
    return entry
