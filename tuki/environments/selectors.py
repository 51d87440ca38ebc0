"""Reads of customers' environments."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tuki.core.versioned import Versioned
from tuki.environments.models import Environment, EnvironmentEvent


def environment_choices(organisation_id: int) -> list[tuple[int, str]]:
    """A customer's environments as ``(id, name)`` pairs by name, kept per process until any changes.

    Every customer's are read at once (a few per customer): page after page for customer after customer then
    needs no query at all.
    """
    return ENVIRONMENTS.get().get(organisation_id, [])


def environment_choices_by_customer() -> dict[int, list[tuple[int, str]]]:
    """Every customer's environments (:func:`environment_choices`), by the customer's id: one lookup for them all."""
    return ENVIRONMENTS.get()


def _by_customer() -> dict[int, list[tuple[int, str]]]:
    environments: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, organisation_id, name in Environment.objects.order_by("name").values_list("pk", "organisation_id", "name"):
        environments[organisation_id].append((pk, name))
    return dict(environments)


ENVIRONMENTS: Versioned[dict[int, list[tuple[int, str]]]] = Versioned("environments", _by_customer)


@receiver(post_save, sender=Environment)
@receiver(post_delete, sender=Environment)
def _environment_changed(**kwargs: object) -> None:
    ENVIRONMENTS.changed()


def versions_at(environment: Environment, moment: datetime) -> dict[str, str]:
    """What ran in ``environment`` at ``moment``: each component's name and its version then.

    Read from the history, not from the components' current versions: the latest version event of each component
    at or before the moment. A component added later did not run then and is left out, as is one retired by then.
    """
    versions: dict[str, str] = {}
    events = (
        EnvironmentEvent.objects.filter(
            environment=environment,
            component__isnull=False,
            field__in=["version", "retired_on"],
            created_at__lte=moment,
        )
        .order_by("created_at", "pk")
        .values_list("component__name", "field", "after")
    )
    for name, field, version in events:
        if field == "retired_on":
            versions.pop(name, None)
        else:
            versions[name] = version
    return dict(sorted(versions.items()))
