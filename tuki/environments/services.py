"""Writes of environments and their components; every field change leaves an event in their history."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Organisation, User
from tuki.environments.models import LIFECYCLE_DATES, Component, Environment, EnvironmentEvent, Lifecycle

EDITABLE_FIELDS = frozenset(
    {"name", "description", "kind", "agreement", "internal_notes", "secrets_location", *LIFECYCLE_DATES.values()}
)


def _require_staff(actor: User | None) -> None:
    if actor is None or not getattr(actor, "is_supplier_staff", False):
        raise PermissionDenied(_("Only the support staff may change environments."))


def _text(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return "" if value is None else str(value)


@transaction.atomic
def environment_create(
    *, actor: User | None, organisation: Organisation, name: str, now: datetime | None = None, **fields: object
) -> Environment:
    """A new environment; ``fields`` are any of the editable ones and ``lifecycle``."""
    now = now or timezone.now()
    _require_staff(actor)
    environment = Environment(organisation=organisation, name=name, **fields)
    _date_step(environment, now)
    environment.full_clean()
    environment.save()
    EnvironmentEvent.objects.create(
        environment=environment, field="created", after=environment.name, actor=actor, created_at=now
    )
    return environment


def _date_step(environment: Environment, now: datetime) -> None:
    """The date a step was reached is the day the environment reached it, unless one was given."""
    attribute = LIFECYCLE_DATES[Lifecycle(environment.lifecycle)]
    if getattr(environment, attribute) is None:
        setattr(environment, attribute, timezone.localdate(now))


@transaction.atomic
def environment_update(
    *, actor: User | None, environment: Environment, now: datetime | None = None, **changes: object
) -> Environment:
    """Change fields (and the lifecycle state); each changed field becomes one event."""
    now = now or timezone.now()
    _require_staff(actor)
    unknown = set(changes) - EDITABLE_FIELDS - {"lifecycle"}
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    environment = Environment.objects.select_for_update().get(pk=environment.pk)
    before = {field: _text(getattr(environment, field)) for field in [*changes, *LIFECYCLE_DATES.values()]}
    for field, value in changes.items():
        setattr(environment, field, value)
    if "lifecycle" in changes:
        _date_step(environment, now)
    environment.full_clean()
    # save(), not a queryset update: its post_save tells the cached lists of environments that they are stale.
    environment.save()
    for field, old in before.items():
        new = _text(getattr(environment, field))
        if new != old:
            EnvironmentEvent.objects.create(
                environment=environment,
                field=field,
                before=old,
                after=new,
                actor=actor,
                internal=field in Environment.INTERNAL_FIELDS,
                created_at=now,
            )
    return environment


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
    EnvironmentEvent.objects.create(
        environment=environment, component=component, field="version", after=version, actor=actor, created_at=now
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
        EnvironmentEvent.objects.create(
            environment_id=component.environment_id,
            component=component,
            field="version",
            before=previous,
            after=version,
            actor=actor,
            created_at=now,
        )
    return component
