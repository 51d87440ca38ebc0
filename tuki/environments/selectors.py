"""Reads of customers' environments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as list_field
from datetime import datetime
from typing import TypeVar

from django.db.models import CharField, F, Model, QuerySet, Value
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tuki.accounts.models import User
from tuki.core.scoping import visible_to
from tuki.core.versioned import Versioned
from tuki.environments.models import Address, Component, ComponentKind, Environment, EnvironmentEvent


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


_M = TypeVar("_M", bound=Model)
# One row of the card's union: which list, up to three texts, and the primary key (the last tie-breaker).
_CardRows = QuerySet[_M, tuple[str, str, str, str, int]]


@dataclass
class EnvironmentCard:
    """What an environment's page says of it besides its history: its components in use with their versions, its
    addresses, and its technical contacts (the customer's by name, the supplier's by name and address)."""

    components: list[tuple[str, str, str]] = list_field(default_factory=list)  # name, kind in words, version
    addresses: list[tuple[str, str]] = list_field(default_factory=list)  # label, address
    customer_contacts: list[str] = list_field(default_factory=list)
    supplier_contacts: list[tuple[str, str]] = list_field(default_factory=list)  # name, email


def environment_card(user: User, environment: Environment) -> EnvironmentCard:
    """The card of ``environment`` as ``user`` may see it, in one query: four short lists read as one union (each
    of its own was a query, most of a millisecond each), every part through ``user``'s scope."""

    def rows(queryset: QuerySet[_M], part: str, first: str, second: str = "", third: str = "") -> _CardRows[_M]:
        columns = {"card_first": first, "card_second": second, "card_third": third}
        union_part: _CardRows[_M] = (
            queryset.annotate(
                card_part=Value(part, output_field=CharField()),
                **{name: F(path) if path else Value("", output_field=CharField()) for name, path in columns.items()},
            )
            .order_by()
            .values_list("card_part", "card_first", "card_second", "card_third", "pk")
        )
        return union_part

    components = visible_to(user, Component).filter(environment=environment, retired_on__isnull=True)
    union = rows(components, "component", "name", "kind", "version").union(
        rows(visible_to(user, Address).filter(environment=environment), "address", "label", "address"),
        rows(visible_to(user, environment.customer_contacts.all()), "customer", "user__full_name"),
        rows(User.objects.filter(technical_environments=environment), "supplier", "full_name", "email"),
        all=True,
    )
    kinds = {value: str(label) for value, label in ComponentKind.choices}
    card = EnvironmentCard()
    # By name (an address by its label), as each list was ordered on its own.
    for kind, first, second, third, _pk in union.order_by("card_first", "pk"):
        if kind == "component":
            card.components.append((first, kinds.get(second, second), third))
        elif kind == "address":
            card.addresses.append((first, second))
        elif kind == "customer":
            card.customer_contacts.append(first)
        else:
            card.supplier_contacts.append((first, second))
    return card
