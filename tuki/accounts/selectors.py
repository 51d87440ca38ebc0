"""Reads of people."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tuki.accounts.models import Organisation, Role, User
from tuki.core.versioned import Versioned


def _load_staff() -> list[tuple[int, str]]:
    return list(active_staff().order_by("full_name").values_list("pk", "full_name"))


STAFF: Versioned[list[tuple[int, str]]] = Versioned("staff", _load_staff)


def staff_choices() -> list[tuple[int, str]]:
    """The supplier's active staff as ``(id, name)`` pairs by name: whom a request can be assigned to.

    Every desk page lists them; each process keeps the list until a person changes (:mod:`tuki.core.versioned`).
    """
    return STAFF.get()


def active_staff() -> QuerySet[User]:
    """The people a request can be assigned to."""
    return User.objects.filter(role__in=[Role.AGENT, Role.MANAGER], is_active=True)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _person_changed(sender: object, update_fields: Iterable[str] | None = None, **kwargs: object) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # a login or a new password changes no one's name, role or activity
    STAFF.changed()


def _load_customers() -> list[tuple[int, str, bool]]:
    return list(Organisation.objects.order_by("name", "pk").values_list("pk", "name", "is_active"))


# Every queue page offers every customer, and their environments by customer name, as filters: each process keeps
# the customers (a few hundred, renamed or added a few times a year) instead of reading them on every page.
CUSTOMERS: Versioned[list[tuple[int, str, bool]]] = Versioned("customers", _load_customers)


def customer_choices(*, active_only: bool = True) -> list[tuple[int, str]]:
    """Every customer as ``(id, name)`` pairs by name, only the active ones unless ``active_only`` is false.

    For the supplier's staff, who see every customer; kept per process until a customer changes.
    """
    return [(pk, name) for pk, name, active in CUSTOMERS.get() if active or not active_only]


@receiver(post_save, sender=Organisation)
@receiver(post_delete, sender=Organisation)
def _customer_changed(**kwargs: object) -> None:
    CUSTOMERS.changed()
