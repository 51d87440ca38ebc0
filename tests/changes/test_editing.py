"""Editing a change: each field only in the states that allow it (lifecycle.EDITABLE_IN), each change an event with
who, when, before and after; windows and times in order; retired environments and components take no changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuki.accounts.models import User
from tuki.changes.lifecycle import EDITABLE_IN, ChangeTransitionError
from tuki.changes.models import Change, ChangeEvent, ChangeState
from tuki.changes.services import change_transition, change_update
from tuki.environments.models import Component, Environment, Lifecycle
from tuki.environments.services import component_retire, environment_update

from .conftest import WINDOW, make_change

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _value(field: str, staff: User) -> Any:
    if field in ("planned_start", "actual_start"):
        return WINDOW[0] - timedelta(hours=1)
    if field in ("planned_end", "actual_end"):
        return WINDOW[1] + timedelta(hours=1)
    if field == "kind":
        return "standard"
    if field == "implementer":
        return staff
    return f"New {field}"


def _in_state(agent: User, anna: User, environment: Environment, state: str) -> Change:
    change = make_change(agent, environment)
    path = {
        "draft": [],
        "proposed": [(agent, "proposed")],
        "approved": [(agent, "proposed"), (anna, "approved")],
        "scheduled": [(agent, "proposed"), (anna, "approved"), (agent, "scheduled")],
        "implemented": [(agent, "proposed"), (anna, "approved"), (agent, "scheduled"), (agent, "implemented")],
        "cancelled": [(agent, "cancelled")],
    }[state]
    for actor, target in path:
        change = change_transition(actor=actor, change=change, to=target)
    return change


@pytest.mark.parametrize("state", ["draft", "proposed", "approved", "scheduled", "implemented", "cancelled"])
def test_each_field_is_editable_exactly_in_its_states(
    agent: User, manager: User, anna: User, production_a: Environment, state: str
) -> None:
    change = _in_state(agent, anna, production_a, state)
    for field, states in EDITABLE_IN.items():
        value = _value(field, manager)
        if state in states:
            change_update(actor=agent, change=change, now=NOW, **{field: value})
            event = ChangeEvent.objects.filter(change=change, kind="field").last()
            assert (
                event is not None
                and event.data["field"] == field
                and (event.actor, event.created_at)
                == (
                    agent,
                    NOW,
                )
            )
        else:
            with pytest.raises(ChangeTransitionError, match="cannot be changed in a change that is"):
                change_update(actor=agent, change=change, **{field: value})


def test_an_edit_records_before_and_after(agent: User, production_a: Environment) -> None:
    change = make_change(agent, production_a, risk="Small")
    change_update(actor=agent, change=change, risk="Short outage", title="Upgrade the intranet", now=NOW)
    events = list(ChangeEvent.objects.filter(change=change, kind="field"))
    assert [(e.data["field"], e.data["before"], e.data["after"]) for e in events] == [
        ("risk", "Small", "Short outage")
    ]  # an unchanged title is no event
    assert events[0].field_label == "risk"


def test_the_kind_is_fixed_once_the_customer_is_asked(agent: User, production_a: Environment) -> None:
    """A normal change turned standard would skip the customer's approval."""
    change = change_transition(actor=agent, change=make_change(agent, production_a), to="proposed")
    with pytest.raises(ChangeTransitionError):
        change_update(actor=agent, change=change, kind="standard")
    change.refresh_from_db()
    assert change.kind == "normal"


def test_windows_and_times_that_end_before_they_start(agent: User, anna: User, production_a: Environment) -> None:
    change = make_change(agent, production_a)
    with pytest.raises(ValidationError, match="ends before it starts"):
        change_update(actor=agent, change=change, title="Changed", planned_end=WINDOW[0] - timedelta(minutes=1))
    change.refresh_from_db()
    assert (change.title, change.planned_end) == ("Upgrade the intranet", WINDOW[1])  # nothing half-saved
    done = _in_state(agent, anna, production_a, "implemented")
    with pytest.raises(ValidationError, match="cannot end before it started"):
        change_update(actor=agent, change=done, actual_start=done.actual_end + timedelta(hours=1))
    assert not ChangeEvent.objects.filter(kind="field").exists()


def test_only_staff_edit_and_only_staff_implement(agent: User, anna: User, production_a: Environment) -> None:
    change = make_change(agent, production_a)
    with pytest.raises(PermissionDenied):
        change_update(actor=anna, change=change, title="Mine")
    with pytest.raises(ValidationError, match="supplier's staff"):
        change_update(actor=agent, change=change, implementer=anna)


def test_a_retired_environment_or_component_takes_no_change(
    agent: User, production_a: Environment, app_a: Component
) -> None:
    component_retire(actor=agent, component=app_a)
    with pytest.raises(ValidationError, match="component “Intranet” is retired"):
        make_change(agent, production_a, components=[(app_a, "2.0")])
    environment_update(actor=agent, environment=production_a, lifecycle=Lifecycle.RETIRED)
    with pytest.raises(ValidationError, match="is retired: it takes no more changes"):
        make_change(agent, production_a)
    assert not Change.objects.exists()


def test_an_environment_of_another_customer_is_refused(
    agent: User, production_a: Environment, production_b: Environment
) -> None:
    with pytest.raises(ValidationError, match="another customer's"):
        make_change(agent, production_a, environments=[production_a, production_b])
    assert not Change.objects.exists()


def test_every_state_has_a_rule() -> None:
    for states in EDITABLE_IN.values():
        assert states <= set(ChangeState)
