"""Writes of environments, their addresses and components; every field change leaves an event in their history.

These are the only writes: the desk's forms call them, and the admin shows environments read-only, so no edit
path skips the history (a test walks every editable field and every service).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Contact, Organisation, User
from tuki.environments.models import (
    LIFECYCLE_DATES,
    Address,
    Component,
    Environment,
    EnvironmentEvent,
    Lifecycle,
)

EDITABLE_FIELDS = frozenset(
    {"name", "description", "kind", "agreement", "internal_notes", "secrets_location", *LIFECYCLE_DATES.values()}
)
# Technical contacts: many-to-many, written as whole lists; their events name the people.
CONTACT_FIELDS = frozenset({"customer_contacts", "supplier_contacts"})
COMPONENT_FIELDS = frozenset({"name", "kind", "version"})


def _require_staff(actor: User | None) -> None:
    if actor is None or not getattr(actor, "is_supplier_staff", False):
        raise PermissionDenied(_("Only the support staff may change environments."))


def _text(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return "" if value is None else str(value)


def _event(environment: Environment, actor: User | None, now: datetime, **fields: object) -> None:
    EnvironmentEvent.objects.create(environment=environment, actor=actor, created_at=now, **fields)


@transaction.atomic
def environment_create(
    *, actor: User | None, organisation: Organisation, name: str, now: datetime | None = None, **fields: object
) -> Environment:
    """A new environment; ``fields`` are any of the editable ones and ``lifecycle``."""
    now = now or timezone.now()
    _require_staff(actor)
    environment = Environment(organisation=organisation, name=name, **fields)
    _date_step(environment, now)
    _check_dates(environment)
    environment.full_clean()
    environment.save()
    _event(environment, actor, now, field="created", after=environment.name)
    return environment


def _date_step(environment: Environment, now: datetime) -> None:
    """The date a step was reached is the day the environment reached it, unless one was given."""
    attribute = LIFECYCLE_DATES[Lifecycle(environment.lifecycle)]
    if getattr(environment, attribute) is None:
        setattr(environment, attribute, timezone.localdate(now))


def _check_dates(environment: Environment) -> None:
    """The steps' dates, where known, follow the order of the steps: planned, built, in production, retired."""
    previous: tuple[str, date] | None = None
    for step, attribute in LIFECYCLE_DATES.items():
        day = getattr(environment, attribute)
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            raise ValidationError(
                {
                    attribute: _("“%(step)s” cannot be dated before “%(previous)s”.")
                    % {"step": Lifecycle(step).label, "previous": Lifecycle(previous[0]).label}
                }
            )
        previous = (step, day)


def _people(contacts: Iterable[Contact], users: Iterable[User]) -> tuple[str, str]:
    return (
        ", ".join(sorted(contact.user.full_name for contact in contacts)),
        ", ".join(sorted(user.full_name for user in users)),
    )


def _check_contacts(environment: Environment, changes: dict[str, object]) -> None:
    for contact in changes.get("customer_contacts", ()):  # type: ignore[attr-defined]
        if contact.organisation_id != environment.organisation_id:
            raise ValidationError(
                {
                    "customer_contacts": _("%(name)s is not a contact person of %(customer)s.")
                    % {"name": contact.user.full_name, "customer": environment.organisation.name}
                }
            )
    for user in changes.get("supplier_contacts", ()):  # type: ignore[attr-defined]
        if not user.is_supplier_staff:
            raise ValidationError(
                {"supplier_contacts": _("%(name)s is not of the supplier's staff.") % {"name": user.full_name}}
            )


@transaction.atomic
def environment_update(
    *, actor: User | None, environment: Environment, now: datetime | None = None, **changes: object
) -> Environment:
    """Change fields, the lifecycle state and the technical contacts; each changed field becomes one event.

    Moving to a lifecycle state dates the step today unless its date is given too (or was known already)."""
    now = now or timezone.now()
    _require_staff(actor)
    unknown = set(changes) - EDITABLE_FIELDS - CONTACT_FIELDS - {"lifecycle"}
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    environment = Environment.objects.select_for_update().select_related("organisation").get(pk=environment.pk)
    plain = {field: value for field, value in changes.items() if field not in CONTACT_FIELDS}
    before = {field: _text(getattr(environment, field)) for field in [*plain, *LIFECYCLE_DATES.values()]}
    for field, value in plain.items():
        setattr(environment, field, value)
    if "lifecycle" in plain:
        _date_step(environment, now)
    _check_dates(environment)
    _check_contacts(environment, changes)
    environment.full_clean()
    # save(), not a queryset update: its post_save tells the cached lists of environments that they are stale.
    environment.save()
    for field, old in before.items():
        new = _text(getattr(environment, field))
        if new != old:
            internal = field in Environment.INTERNAL_FIELDS
            _event(environment, actor, now, field=field, before=old, after=new, internal=internal)
    _contacts_update(environment, actor, now, changes)
    return environment


def _contacts_update(environment: Environment, actor: User | None, now: datetime, changes: dict[str, object]) -> None:
    if not CONTACT_FIELDS & set(changes):
        return
    customers = list(environment.customer_contacts.select_related("user"))
    suppliers = list(environment.supplier_contacts.all())
    old_customers, old_suppliers = _people(customers, suppliers)
    if "customer_contacts" in changes:
        customers = list(changes["customer_contacts"])  # type: ignore[call-overload]
        environment.customer_contacts.set(customers)
    if "supplier_contacts" in changes:
        suppliers = list(changes["supplier_contacts"])  # type: ignore[call-overload]
        environment.supplier_contacts.set(suppliers)
    new_customers, new_suppliers = _people(customers, suppliers)
    if new_customers != old_customers:
        _event(environment, actor, now, field="customer_contacts", before=old_customers, after=new_customers)
    if new_suppliers != old_suppliers:
        _event(environment, actor, now, field="supplier_contacts", before=old_suppliers, after=new_suppliers)


@transaction.atomic
def address_add(
    *, actor: User | None, environment: Environment, label: str, address: str, now: datetime | None = None
) -> Address:
    now = now or timezone.now()
    _require_staff(actor)
    row = Address(environment=environment, label=label.strip(), address=address.strip())
    row.full_clean()
    row.save()
    _event(environment, actor, now, field="address", after=str(row))
    return row


@transaction.atomic
def address_update(
    *, actor: User | None, address: Address, label: str, value: str, now: datetime | None = None
) -> Address:
    now = now or timezone.now()
    _require_staff(actor)
    row = Address.objects.select_for_update().get(pk=address.pk)
    old = str(row)
    row.label, row.address = label.strip(), value.strip()
    row.full_clean()
    if str(row) != old:
        row.save()
        _event(row.environment, actor, now, field="address", before=old, after=str(row))
    return row


@transaction.atomic
def address_remove(*, actor: User | None, address: Address, now: datetime | None = None) -> None:
    """An address no longer in use goes from the page; its history keeps it."""
    now = now or timezone.now()
    _require_staff(actor)
    row = Address.objects.select_for_update().select_related("environment").get(pk=address.pk)
    _event(row.environment, actor, now, field="address", before=str(row))
    row.delete()


@transaction.atomic
def component_add(
    *,
    actor: User | None,
    environment: Environment,
    name: str,
    kind: str,
    version: str = "",
    now: datetime | None = None,
) -> Component:
    now = now or timezone.now()
    _require_staff(actor)
    component = Component(environment=environment, name=name, kind=kind, version=version)
    component.full_clean()
    component.save()
    _event(environment, actor, now, component=component, field="version", after=version)
    return component


@transaction.atomic
def component_update(
    *, actor: User | None, component: Component, now: datetime | None = None, **changes: object
) -> Component:
    """Rename a component, change its kind or record a new version by hand; each changed field is one event."""
    now = now or timezone.now()
    _require_staff(actor)
    unknown = set(changes) - COMPONENT_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    component = Component.objects.select_for_update().get(pk=component.pk)
    if component.retired_on is not None:
        raise ValidationError(_("The component “%(name)s” is retired.") % {"name": component.name})
    before = {field: getattr(component, field) for field in changes}
    for field, value in changes.items():
        setattr(component, field, value)
    component.full_clean()
    component.save()
    for field, old in before.items():
        new = getattr(component, field)
        if new != old:
            _event(component.environment, actor, now, component=component, field=field, before=old, after=new)
    return component


@transaction.atomic
def component_retire(*, actor: User | None, component: Component, now: datetime | None = None) -> Component:
    """Take a component out of use: it stays in the history (and in "what ran then"), and takes no more changes."""
    now = now or timezone.now()
    _require_staff(actor)
    component = Component.objects.select_for_update().get(pk=component.pk)
    if component.retired_on is not None:
        raise ValidationError(_("The component “%(name)s” is retired.") % {"name": component.name})
    component.retired_on = timezone.localdate(now)
    component.save(update_fields=["retired_on"])
    _event(
        component.environment, actor, now, component=component, field="retired_on", after=_text(component.retired_on)
    )
    return component


@transaction.atomic
def component_set_version(
    *, actor: User | None, component: Component, version: str, now: datetime | None = None
) -> Component:
    """Record a new version of the component (from a change's implementation, or by hand)."""
    now = now or timezone.now()
    _require_staff(actor)
    component = Component.objects.select_for_update().get(pk=component.pk)
    previous = component.version
    component.version = version
    component.full_clean()
    if version != previous:
        component.save(update_fields=["version"])
        _event(component.environment, actor, now, component=component, field="version", before=previous, after=version)
    return component
