"""Environments: lifecycle with dates, components, their append-only history and what ran on a given day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.changes.conftest import make_change
from tuki.accounts.models import Organisation, User
from tuki.changes.services import change_transition
from tuki.core.scoping import visible_to
from tuki.environments.models import ComponentKind, EnvironmentEvent, Lifecycle
from tuki.environments.selectors import environment_choices, versions_at
from tuki.environments.services import component_add, component_set_version, environment_create, environment_update


def at(day: int, month: int = 3, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_versions_over_time(agent: User, anna: User, org_a: Organisation) -> None:
    environment = environment_create(actor=agent, organisation=org_a, name="Intranet", now=at(1, 1))
    app = component_add(
        actor=agent, environment=environment, name="App", kind=ComponentKind.APPLICATION, version="1.0", now=at(1, 1)
    )
    component_add(actor=agent, environment=environment, name="DB", kind="database", version="15", now=at(1, 2))
    component_set_version(actor=agent, component=app, version="1.1", now=at(2, 3))
    change = make_change(agent, environment, components=[(app, "2.0")])
    for actor, state, day in [(agent, "proposed", 3), (anna, "approved", 3), (agent, "scheduled", 3)]:
        change = change_transition(actor=actor, change=change, to=state, now=at(day, hour=10))
    change_transition(actor=agent, change=change, to="implemented", now=at(4, hour=19))

    assert versions_at(environment, at(31, 1)) == {"App": "1.0"}
    assert versions_at(environment, at(1, 3)) == {"App": "1.0", "DB": "15"}
    assert versions_at(environment, at(3, 3)) == {"App": "1.1", "DB": "15"}
    assert versions_at(environment, at(4, hour=18)) == {"App": "1.1", "DB": "15"}
    assert versions_at(environment, at(4, hour=20)) == {"App": "2.0", "DB": "15"}
    event = EnvironmentEvent.objects.filter(component=app).last()
    assert event is not None
    assert (event.before, event.after, event.actor) == ("1.1", "2.0", agent)


def test_lifecycle_steps_have_dates_and_history(agent: User, org_a: Organisation) -> None:
    environment = environment_create(
        actor=agent, organisation=org_a, name="Intranet", lifecycle=Lifecycle.PLANNED, now=at(1, 1)
    )
    assert environment.planned_on == date(2026, 1, 1)
    environment = environment_update(actor=agent, environment=environment, lifecycle=Lifecycle.IN_BUILD, now=at(2, 2))
    environment = environment_update(
        actor=agent, environment=environment, lifecycle=Lifecycle.IN_PRODUCTION, now=at(3, 3)
    )
    assert (environment.build_started_on, environment.in_production_on) == (date(2026, 2, 2), date(2026, 3, 3))
    fields = list(environment.events.values_list("field", "before", "after"))
    assert ("lifecycle", "in_build", "in_production") in fields
    assert ("in_production_on", "", "2026-03-03") in fields


def test_internal_fields_and_their_history_are_hidden_from_contacts(
    agent: User, anna: User, org_a: Organisation
) -> None:
    environment = environment_create(actor=agent, organisation=org_a, name="Intranet")
    environment_update(actor=agent, environment=environment, internal_notes="root password is on the wiki")
    environment_update(actor=agent, environment=environment, description="Our intranet")
    assert visible_to(anna, EnvironmentEvent).filter(field="internal_notes").count() == 0
    assert visible_to(anna, EnvironmentEvent).filter(field="description").count() == 1
    assert visible_to(agent, EnvironmentEvent).filter(field="internal_notes").count() == 1


def test_version_refuses_control_characters(agent: User, org_a: Organisation) -> None:
    environment = environment_create(actor=agent, organisation=org_a, name="Intranet")
    with pytest.raises(ValidationError, match="control characters"):
        component_add(actor=agent, environment=environment, name="App", kind="application", version="1.0\n2.0")
    app = component_add(actor=agent, environment=environment, name="App", kind="application", version="1.0")
    with pytest.raises(ValidationError, match="control characters"):
        component_set_version(actor=agent, component=app, version="\x002")
    app.refresh_from_db()
    assert app.version == "1.0"
    assert app.events.count() == 1


def test_only_staff_change_environments(anna: User, agent: User, org_a: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        environment_create(actor=anna, organisation=org_a, name="Intranet")
    environment = environment_create(actor=agent, organisation=org_a, name="Intranet")
    with pytest.raises(PermissionDenied):
        environment_update(actor=anna, environment=environment, name="Mine")


def test_cached_choices_follow_changes(agent: User, org_a: Organisation) -> None:
    environment = environment_create(actor=agent, organisation=org_a, name="Intranet")
    assert environment_choices(org_a.pk) == [(environment.pk, "Intranet")]
    environment_update(actor=agent, environment=environment, name="Extranet", kind="test")
    assert environment_choices(org_a.pk) == [(environment.pk, "Extranet")]
