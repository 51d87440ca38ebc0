"""Every move of every kind of change, by everyone: allowed exactly where the rules say, refused elsewhere."""

from __future__ import annotations

import itertools

import pytest

from tuki.accounts.models import Contact, User
from tuki.changes.lifecycle import CONTACT, CUSTOMER_MANAGER, STAFF, ChangeTransitionError, check_transition
from tuki.changes.models import Change, ChangeEvent, ChangeKind, ChangeState
from tuki.changes.services import change_acknowledge, change_transition
from tuki.environments.models import Component, Environment

from .conftest import make_change

S, N, E = "standard", "normal", "emergency"
ALL = (S, N, E)
# The rules, written out move by move: (kinds, from, to, who).
RULES = [
    (ALL, "draft", "proposed", STAFF),
    (ALL, "draft", "cancelled", STAFF),
    ((N,), "proposed", "approved", CUSTOMER_MANAGER),
    ((N,), "proposed", "declined", CUSTOMER_MANAGER),
    ((S, E), "proposed", "scheduled", STAFF),
    ((E,), "proposed", "implemented", STAFF),
    (ALL, "proposed", "cancelled", STAFF),
    ((N,), "approved", "scheduled", STAFF),
    ((N,), "approved", "cancelled", STAFF),
    (ALL, "scheduled", "implemented", STAFF),
    (ALL, "scheduled", "cancelled", STAFF),
    (ALL, "implemented", "verified", STAFF),
    (ALL, "implemented", "rolled_back", STAFF),
]
ALLOWED = {(kind, current, target, who) for kinds, current, target, who in RULES for kind in kinds}
ROLES = (STAFF, CUSTOMER_MANAGER, CONTACT, None)
STATES = [state.value for state in ChangeState]


@pytest.mark.parametrize(("kind", "current", "target", "role"), list(itertools.product(ALL, STATES, STATES, ROLES)))
def test_every_move_by_everyone(kind: str, current: str, target: str, role: str | None) -> None:
    change = Change(kind=kind, state=current)
    if (kind, current, target, role) in ALLOWED:
        check_transition(role, change, target)
    else:
        with pytest.raises(ChangeTransitionError):
            check_transition(role, change, target)


def _actor(role: str, agent: User, anna: User, aaro: Contact, bertil: User) -> User:
    return {"staff": agent, "customer_manager": anna, "contact": aaro.user, "other": bertil}[role]


@pytest.mark.parametrize(("kind", "current", "target", "role"), sorted(ALLOWED))
def test_allowed_moves_are_made_and_recorded(
    kind: str,
    current: str,
    target: str,
    role: str,
    agent: User,
    anna: User,
    aaro: Contact,
    bertil: User,
    production_a: Environment,
) -> None:
    change = make_change(agent, production_a, kind)
    Change.objects.filter(pk=change.pk).update(state=current)
    actor = _actor(role, agent, anna, aaro, bertil)
    moved = change_transition(actor=actor, change=change, to=target)
    assert Change.objects.get(pk=change.pk).state == target == moved.state
    event = ChangeEvent.objects.filter(change=change, kind="transition").get()
    assert event.actor == actor
    assert event.data == {"from": current, "to": target}


@pytest.mark.parametrize("role", ["contact", "other"])
@pytest.mark.parametrize(("kind", "current", "target", "who"), sorted(ALLOWED))
def test_contacts_and_strangers_make_no_move_of_anyone_elses(
    kind: str,
    current: str,
    target: str,
    who: str,
    role: str,
    agent: User,
    anna: User,
    aaro: Contact,
    bertil: User,
    production_a: Environment,
) -> None:
    change = make_change(agent, production_a, kind)
    Change.objects.filter(pk=change.pk).update(state=current)
    with pytest.raises(ChangeTransitionError):
        change_transition(actor=_actor(role, agent, anna, aaro, bertil), change=change, to=target)
    assert Change.objects.get(pk=change.pk).state == current
    assert not ChangeEvent.objects.filter(change=change, kind="transition").exists()


def test_staff_cannot_approve_a_normal_change(agent: User, production_a: Environment) -> None:
    change = make_change(agent, production_a)
    change_transition(actor=agent, change=change, to="proposed")
    with pytest.raises(ChangeTransitionError, match="Only a customer manager"):
        change_transition(actor=agent, change=change, to="approved")


def test_unapproved_normal_change_is_not_implemented(agent: User, app_a: Component, production_a: Environment) -> None:
    change = make_change(agent, production_a, components=[(app_a, "2.0")])
    change_transition(actor=agent, change=change, to="proposed")
    with pytest.raises(ChangeTransitionError, match="must be approved by the customer"):
        change_transition(actor=agent, change=change, to="implemented")
    app_a.refresh_from_db()
    assert app_a.version == "1.0"
    assert Change.objects.get(pk=change.pk).state == "proposed"


def test_normal_change_whole_way(agent: User, anna: User, app_a: Component, production_a: Environment) -> None:
    change = make_change(agent, production_a, components=[(app_a, "2.0")])
    for actor, state in [(agent, "proposed"), (anna, "approved"), (agent, "scheduled"), (agent, "implemented")]:
        change = change_transition(actor=actor, change=change, to=state)
    assert change.approved_by == anna and change.approved_at is not None
    assert change.implementer == agent and change.actual_end is not None
    app_a.refresh_from_db()
    assert app_a.version == "2.0"
    change_transition(actor=agent, change=change, to="rolled_back")
    app_a.refresh_from_db()
    assert app_a.version == "1.0"


def test_emergency_change_is_acknowledged_afterwards(
    agent: User, anna: User, aaro: Contact, production_a: Environment
) -> None:
    change = make_change(agent, production_a, ChangeKind.EMERGENCY)
    change_transition(actor=agent, change=change, to="proposed")
    with pytest.raises(ChangeTransitionError):
        change_acknowledge(actor=anna, change=change)
    change_transition(actor=agent, change=change, to="implemented")
    for someone in (agent, aaro.user):
        with pytest.raises(ChangeTransitionError):
            change_acknowledge(actor=someone, change=change)
    change = change_acknowledge(actor=anna, change=change)
    assert change.acknowledged_by == anna
    with pytest.raises(ChangeTransitionError):
        change_acknowledge(actor=anna, change=change)


def test_scheduling_needs_a_window(agent: User, production_a: Environment) -> None:
    change = make_change(agent, production_a, ChangeKind.STANDARD)
    Change.objects.filter(pk=change.pk).update(planned_start=None, planned_end=None, state="proposed")
    with pytest.raises(ChangeTransitionError, match="planned window"):
        change_transition(actor=agent, change=change, to="scheduled")


def test_history_is_append_only(agent: User, production_a: Environment) -> None:
    change = make_change(agent, production_a)
    event = change.events.get()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        ChangeEvent.objects.all().delete()
    with pytest.raises(ValueError, match="append-only"):
        ChangeEvent.objects.update(kind="x")
