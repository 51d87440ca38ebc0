"""Reads of people."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tuki.accounts.models import Role, User
from tuki.core.versioned import VersionedCache

STAFF: VersionedCache[list[tuple[int, str]]] = VersionedCache("staff")


def staff_choices() -> list[tuple[int, str]]:
    """The supplier's active staff as ``(id, name)`` pairs by name: whom a request can be assigned to.

    Every desk page lists them; each process keeps the list until a person changes.
    """

    def load() -> list[tuple[int, str]]:
        return list(active_staff().order_by("full_name").values_list("pk", "full_name"))

    return STAFF.get("active", load)


def active_staff() -> QuerySet[User]:
    """The people a request can be assigned to."""
    return User.objects.filter(role__in=[Role.AGENT, Role.MANAGER], is_active=True)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _person_changed(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # a login or a new password changes no one's name, role or activity
    STAFF.changed()
