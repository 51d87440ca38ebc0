"""Writes of change records: creating one, moving it through its lifecycle, the customer's acknowledgement.

Each is one transaction: a refusal leaves nothing behind, and every write leaves an event in the change's history.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Contact, Organisation, User
from tuki.changes.lifecycle import EDITABLE_IN, ChangeTransitionError, check_transition, may_acknowledge, role_of
from tuki.changes.models import (
    CalendarLink,
    Change,
    ChangeComponent,
    ChangeEvent,
    ChangeKind,
    ChangeState,
    field_label,
)
from tuki.changes.signals import announce_move
from tuki.environments.models import Component, Environment
from tuki.environments.services import component_set_version
from tuki.tickets.models import Ticket


def _check_environments(organisation: Organisation, environments: Sequence[Environment]) -> None:
    if not environments:
        raise ValidationError({"environments": _("Choose at least one environment the change touches.")})
    for environment in environments:
        if environment.organisation_id != organisation.pk:
            raise ValidationError(
                {"environments": _("The environment “%(name)s” is another customer's.") % {"name": environment.name}}
            )
        if environment.is_retired:
            raise ValidationError(
                {
                    "environments": _("The environment “%(name)s” is retired: it takes no more changes.")
                    % {"name": environment.name}
                }
            )


def _check_times(change: Change) -> None:
    if change.planned_start and change.planned_end and change.planned_end < change.planned_start:
        raise ValidationError({"planned_end": _("The planned window ends before it starts.")})
    if change.actual_start and change.actual_end and change.actual_end < change.actual_start:
        raise ValidationError({"actual_end": _("The change cannot end before it started.")})


@transaction.atomic
def change_create(
    *,
    actor: User | None,
    organisation: Organisation,
    title: str,
    kind: str = ChangeKind.NORMAL,
    environments: Sequence[Environment],
    components: Iterable[tuple[Component, str]] = (),
    tickets: Iterable[Ticket] = (),
    now: datetime | None = None,
    **fields: object,
) -> Change:
    """A new draft change. ``components`` pairs a touched component with the version the change puts in place;
    ``fields`` are the change's texts, window and implementer."""
    now = now or timezone.now()
    if actor is None or not getattr(actor, "is_supplier_staff", False):
        raise PermissionDenied(_("Only the support staff may record changes."))
    # Read afresh (and held) from the database: the caller's copies may be older than a retirement.
    environments = list(
        Environment.objects.select_for_update().filter(pk__in=[environment.pk for environment in environments])
    )
    _check_environments(organisation, environments)
    change = Change(organisation=organisation, title=title, kind=kind, created_at=now, **fields)
    _check_times(change)
    change.full_clean()
    change.save()
    change.environments.set(environments)
    environment_ids = {environment.pk for environment in environments}
    for given, version_after in components:
        component = Component.objects.get(pk=given.pk)  # its version now, not when the caller read it
        if component.environment_id not in environment_ids:
            raise ValidationError(
                {
                    "components": _("The component “%(name)s” is not in the environments of the change.")
                    % {"name": component.name}
                }
            )
        if component.retired_on is not None:
            raise ValidationError(
                {
                    "components": _("The component “%(name)s” is retired: it takes no more changes.")
                    % {"name": component.name}
                }
            )
        touched = ChangeComponent(
            change=change, component=component, version_before=component.version, version_after=version_after
        )
        touched.full_clean()
        touched.save()
    ticket_list = list(tickets)
    for ticket in ticket_list:
        if ticket.organisation_id != organisation.pk:
            raise ValidationError(
                {"tickets": _("The request %(request)s is another customer's.") % {"request": ticket.identifier}}
            )
    change.tickets.set(ticket_list)
    ChangeEvent.objects.create(
        change=change,
        kind="created",
        actor=actor,
        created_at=now,
        data={"tickets": [ticket.identifier for ticket in ticket_list]},
    )
    return change


@transaction.atomic
def change_transition(*, actor: User | None, change: Change, to: str, now: datetime | None = None) -> Change:
    """Move the change to state ``to``, if the lifecycle lets this actor make that move on a change of its kind.

    Implementing puts the touched components' new versions in place (in their history); rolling back puts the
    previous ones back.
    """
    now = now or timezone.now()
    change = Change.objects.select_for_update().get(pk=change.pk)
    role = role_of(actor, change)
    check_transition(role, change, to)
    fields = ["state"]
    if to == ChangeState.SCHEDULED and (change.planned_start is None or change.planned_end is None):
        raise ChangeTransitionError(_("A change is scheduled for a planned window: set its start and end first."))
    if to in (ChangeState.APPROVED, ChangeState.DECLINED):
        change.approved_by, change.approved_at = actor, now
        fields += ["approved_by", "approved_at"]
    if to == ChangeState.IMPLEMENTED:
        for environment in change.environments.all():
            if environment.is_retired:
                raise ChangeTransitionError(
                    _("The environment “%(name)s” is retired: it takes no more changes.") % {"name": environment.name}
                )
        for touched in change.touched.select_related("component"):
            component = touched.component
            if component.version != touched.version_before:
                raise ChangeTransitionError(
                    _("%(component)s runs version %(current)s now, not %(expected)s as the change expects.")
                    % {"component": component.name, "current": component.version, "expected": touched.version_before}
                )
            component_set_version(actor=actor, component=component, version=touched.version_after, now=now)
        change.actual_start = change.actual_start or now
        change.actual_end = now
        change.implementer = change.implementer or actor
        fields += ["actual_start", "actual_end", "implementer"]
    if to == ChangeState.ROLLED_BACK:
        for touched in change.touched.select_related("component"):
            component_set_version(actor=actor, component=touched.component, version=touched.version_before, now=now)
    previous = change.state
    change.state = to
    change.save(update_fields=fields)
    event = ChangeEvent.objects.create(
        change=change, kind="transition", actor=actor, created_at=now, data={"from": previous, "to": to}
    )
    announce_move(event.pk)
    return change


@transaction.atomic
def change_acknowledge(*, actor: User | None, change: Change, now: datetime | None = None) -> Change:
    """A customer manager's acknowledgement of an emergency change made before their approval."""
    now = now or timezone.now()
    change = Change.objects.select_for_update().get(pk=change.pk)
    if not may_acknowledge(role_of(actor, change), change):
        raise ChangeTransitionError(
            _("Only a customer manager of the customer may acknowledge an implemented emergency change, once.")
        )
    change.acknowledged_by, change.acknowledged_at = actor, now
    change.save(update_fields=["acknowledged_by", "acknowledged_at"])
    ChangeEvent.objects.create(change=change, kind="acknowledged", actor=actor, created_at=now)
    return change


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.full_name
    return "" if value is None else str(value)


@transaction.atomic
def change_update(*, actor: User | None, change: Change, now: datetime | None = None, **changes: object) -> Change:
    """Change fields of a change while its state lets them change (:data:`EDITABLE_IN`); each changed field is one
    event in the change's history with its value before and after."""
    now = now or timezone.now()
    if actor is None or not getattr(actor, "is_supplier_staff", False):
        raise PermissionDenied(_("Only the support staff may record changes."))
    change = Change.objects.select_for_update().get(pk=change.pk)
    unknown = set(changes) - set(EDITABLE_IN)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    before = {field: getattr(change, field) for field in changes}
    changed = [field for field, value in changes.items() if value != before[field]]
    for field in changed:
        if change.state not in EDITABLE_IN[field]:
            raise ChangeTransitionError(
                _("“%(field)s” cannot be changed in a change that is “%(state)s”.")
                % {"field": field_label(field), "state": ChangeState(change.state).label}
            )
        setattr(change, field, changes[field])
    if change.implementer is not None and not change.implementer.is_supplier_staff:
        raise ValidationError({"implementer": _("The implementer is one of the supplier's staff.")})
    _check_times(change)
    change.full_clean()
    if changed:
        change.save(update_fields=changed)
    for field in changed:
        ChangeEvent.objects.create(
            change=change,
            kind="field",
            actor=actor,
            created_at=now,
            data={"field": field, "before": _shown(before[field]), "after": _shown(getattr(change, field))},
        )
    return change


# A feed link's token: 32 random bytes, of which the first characters also find the row.
PREFIX_LENGTH = 8
# A calendar program fetches every hour or so; the "last used" shown to the contact needs no finer grain.
LAST_USED_GRAIN = timedelta(hours=1)


def _digest(token: str) -> str:
    # The token is random and long, so a plain hash is enough: there is nothing to guess that a slow one would guard.
    return hashlib.sha256(token.encode()).hexdigest()


def _active_contact_of(actor: User | None) -> Contact:
    contact = getattr(actor, "contact", None)
    if actor is None or not actor.is_active or contact is None or contact.deactivated_at is not None:
        raise PermissionDenied(_("Only a named contact has a calendar link."))
    return contact


@transaction.atomic
def calendar_link_create(*, actor: User | None, now: datetime | None = None) -> str:
    """A new secret link for ``actor``'s own calendar feed, replacing any earlier one (which stops working at once).

    Returns the token, which is not stored and cannot be shown again.
    """
    contact = _active_contact_of(actor)
    token = secrets.token_urlsafe(32)
    CalendarLink.objects.update_or_create(
        contact=contact,
        defaults={
            "prefix": token[:PREFIX_LENGTH],
            "digest": _digest(token),
            "created_at": now or timezone.now(),
            "last_used_at": None,
        },
    )
    return token


@transaction.atomic
def calendar_link_revoke(*, actor: User | None) -> bool:
    """Remove ``actor``'s calendar link; True if there was one."""
    deleted, _rows = CalendarLink.objects.filter(contact=_active_contact_of(actor)).delete()
    return bool(deleted)


def calendar_link_open(token: str, *, now: datetime | None = None) -> CalendarLink | None:
    """The link ``token`` opens, with its contact and user, or None. Whether the contact is still active is the
    caller's to decide (a link of someone who has left answers differently from a guess)."""
    if len(token) < PREFIX_LENGTH or len(token) > 100:
        return None
    digest = _digest(token)
    candidates = CalendarLink.objects.select_related("contact__user", "contact__organisation").filter(
        prefix=token[:PREFIX_LENGTH]
    )
    link = next((row for row in candidates if secrets.compare_digest(row.digest, digest)), None)
    if link is None:
        return None
    now = now or timezone.now()
    if link.last_used_at is None or link.last_used_at < now - LAST_USED_GRAIN:
        CalendarLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link
