"""Reading the audit log: through the viewer's scope, newest first, narrowed by the page's filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from tuki.audit.models import AuditEntry
from tuki.core.scoping import visible_to


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def audit_entries(
    viewer: AbstractBaseUser | AnonymousUser | None,
    *,
    action: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries the viewer may see; ``actor`` matches the name or the identifier, ``until`` is the last day shown."""
    entries = visible_to(viewer, AuditEntry).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(Q(identifier__icontains=actor) | Q(actor__full_name__icontains=actor))
    if since is not None:
        entries = entries.filter(created_at__gte=_local_midnight(since))
    if until is not None:
        entries = entries.filter(created_at__lt=_local_midnight(until + timedelta(days=1)))
    return entries.order_by("-created_at", "-pk")
