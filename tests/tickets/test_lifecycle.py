"""Every (from, to) pair for every kind of actor: allowed exactly when TRANSITIONS says so."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from tuki.tickets.lifecycle import REQUESTER, STAFF, SYSTEM, TRANSITIONS, TransitionError
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_create, ticket_transition

ACTORS = ["agent", "anna", "bertil", None]
ROLE = {"agent": STAFF, "anna": REQUESTER, "bertil": None, None: SYSTEM}


def _paths() -> dict[State, list[State]]:
    """The shortest way from NEW to each state, using only moves the staff or the system may make."""
    paths: dict[State, list[State]] = {State.NEW: []}
    queue = deque([State.NEW])
    while queue:
        current = queue.popleft()
        for (start, end), roles in TRANSITIONS.items():
            if start == current and end not in paths and roles & {STAFF, SYSTEM}:
                paths[end] = [*paths[current], end]
                queue.append(end)
    return paths


PATHS = _paths()


def test_every_state_is_reachable() -> None:
    assert set(PATHS) == set(State)


def _drive(ticket: Ticket, target: State, agent: Any) -> Ticket:
    for step in PATHS[target]:
        actor = agent if STAFF in TRANSITIONS[(State(ticket.state), step)] else None
        ticket = ticket_transition(actor=actor, ticket=ticket, to=step)
    assert ticket.state == target
    return ticket


@pytest.mark.parametrize("target", list(State), ids=str)
@pytest.mark.parametrize("current", list(State), ids=str)
def test_transition_table(
    request: pytest.FixtureRequest, agreement_a: Any, agent: Any, anna: Any, bertil: Any, current: State, target: State
) -> None:
    for name in ACTORS:
        actor = request.getfixturevalue(name) if name else None
        ticket = ticket_create(actor=anna, requester=anna.contact, subject=f"{current} -> {target} by {name}")
        ticket = _drive(ticket, current, agent)
        events = ticket.events.count()
        allowed = ROLE[name] in TRANSITIONS.get((current, target), frozenset())
        if allowed:
            ticket_transition(actor=actor, ticket=ticket, to=target)
            ticket.refresh_from_db()
            assert ticket.state == target, name
            assert ticket.events.count() == events + 1, name
        else:
            with pytest.raises(TransitionError) as refused:
                ticket_transition(actor=actor, ticket=ticket, to=target)
            assert str(refused.value).strip(), name
            ticket.refresh_from_db()
            assert ticket.state == current, name
            assert ticket.events.count() == events, name
