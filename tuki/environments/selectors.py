"""Reads of customers' environments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tuki.core.versioned import VersionedCache
from tuki.environments.models import Environment

ENVIRONMENTS: VersionedCache[list[tuple[int, str]]] = VersionedCache("environments")


def environment_choices(organisation_id: int) -> list[tuple[int, str]]:
    """A customer's environments as ``(id, name)`` pairs by name, kept per process until any changes."""
    return ENVIRONMENTS.get(
        organisation_id,
        lambda: list(
            Environment.objects.filter(organisation_id=organisation_id).order_by("name").values_list("pk", "name")
        ),
    )


@receiver(post_save, sender=Environment)
@receiver(post_delete, sender=Environment)
def _environment_changed(**kwargs: Any) -> None:
    ENVIRONMENTS.changed()
    transaction.on_commit(ENVIRONMENTS.changed)
