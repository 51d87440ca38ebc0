"""Who among the customer's people may move a request, cell by cell, through the service and through the portal.

The people of org A: rasmus files the request, kaisa is copied on it, aaro is a colleague who can see it, and anna
is the customer manager. bertil (org B) is an outsider, agent is the staff and None the system. The rule, written
out here rather than read from the table it checks: the requester and the customer manager make the customer's
moves (cancel, reopen, confirm); copies and colleagues make none; the staff's moves are the desk's.
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tuki.accounts.models import Contact
from tuki.accounts.services import contact_create
from tuki.tickets.lifecycle import (
    COLLEAGUE,
    COPIED,
    CUSTOMER_ACTIONS,
    CUSTOMER_MANAGER,
    REQUESTER,
    STAFF,
    SYSTEM,
    TRANSITIONS,
    TransitionError,
    role_of,
)
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_create, ticket_reply, ticket_transition

OUTSIDER = "outsider"
ROLES = [REQUESTER, CUSTOMER_MANAGER, COPIED, COLLEAGUE, OUTSIDER, STAFF, SYSTEM]
CONTACTS = [REQUESTER, CUSTOMER_MANAGER, COPIED, COLLEAGUE, OUTSIDER]
DECIDE = {
    (State.NEW, State.CANCELLED),
    (State.IN_PROGRESS, State.CANCELLED),
    (State.WAITING, State.CANCELLED),
    (State.REOPENED, State.CANCELLED),
    (State.WAITING, State.IN_PROGRESS),
    (State.RESOLVED, State.REOPENED),
    (State.RESOLVED, State.CLOSED),
}
# Every cell of the rights table, as the rule above says it.
EXPECTED: dict[str, set[tuple[State, State]]] = {
    REQUESTER: DECIDE,
    CUSTOMER_MANAGER: DECIDE,
    COPIED: set(),
    COLLEAGUE: set(),
    OUTSIDER: set(),
    STAFF: {cell for cell in TRANSITIONS if cell != (State.RESOLVED, State.CLOSED)},
    SYSTEM: {(State.RESOLVED, State.CLOSED)},
}
CELLS = sorted(TRANSITIONS, key=lambda cell: (list(State).index(cell[0]), list(State).index(cell[1])))
CUSTOMER_CELLS = [cell for cell in CELLS if cell[1] in CUSTOMER_ACTIONS]


def test_the_table_says_what_the_rule_says() -> None:
    for role in [REQUESTER, CUSTOMER_MANAGER, COPIED, COLLEAGUE, STAFF, SYSTEM]:
        assert {cell for cell, who in TRANSITIONS.items() if role in who} == EXPECTED[role], role


@pytest.fixture
def people(org_a: Any, anna: Any, aaro: Contact, bertil: Any, agent: Any, agreement_a: Any) -> dict[str, Any]:
    rasmus = contact_create(organisation=org_a, email="rasmus@org-a.example", full_name="Rasmus Räty")
    kaisa = contact_create(organisation=org_a, email="kaisa@org-a.example", full_name="Kaisa Kopio")
    return {
        REQUESTER: rasmus.user,
        CUSTOMER_MANAGER: anna,
        COPIED: kaisa.user,
        COLLEAGUE: aaro.user,
        OUTSIDER: bertil,
        STAFF: agent,
        SYSTEM: None,
    }


def _paths() -> dict[State, list[State]]:
    """The shortest way from NEW to each state by moves of the staff or the system."""
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


def _request_in(state: State, people: dict[str, Any]) -> Ticket:
    requester = people[REQUESTER].contact
    ticket = ticket_create(
        actor=people[REQUESTER], requester=requester, subject=f"In {state}", cc=[people[COPIED].contact]
    )
    for step in PATHS[state]:
        actor = people[STAFF] if STAFF in TRANSITIONS[(State(ticket.state), step)] else None
        ticket = ticket_transition(actor=actor, ticket=ticket, to=step)
    return ticket


def test_each_person_has_the_role_the_tests_name(people: dict[str, Any]) -> None:
    ticket = _request_in(State.NEW, people)
    for role, user in people.items():
        assert role_of(user, ticket) == (None if role == OUTSIDER else role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("current", "target"), CELLS, ids=[f"{a}->{b}" for a, b in CELLS])
def test_every_cell_through_the_service(people: dict[str, Any], role: str, current: State, target: State) -> None:
    ticket = _request_in(current, people)
    events = ticket.events.count()
    if (current, target) in EXPECTED[role]:
        assert ticket_transition(actor=people[role], ticket=ticket, to=target).state == target
        assert ticket.events.count() == events + 1
        return
    with pytest.raises(TransitionError) as refused:
        ticket_transition(actor=people[role], ticket=ticket, to=target)
    assert str(refused.value).strip()
    ticket.refresh_from_db()
    assert ticket.state == current
    assert ticket.events.count() == events


@pytest.mark.parametrize("role", CONTACTS)
@pytest.mark.parametrize(("current", "target"), CUSTOMER_CELLS, ids=[f"{a}->{b}" for a, b in CUSTOMER_CELLS])
def test_every_cell_through_the_portal(
    client: Client, people: dict[str, Any], role: str, current: State, target: State
) -> None:
    ticket = _request_in(current, people)
    events = ticket.events.count()
    client.force_login(people[role])
    allowed = (current, target) in EXPECTED[role]
    page = client.get(f"/portal/requests/{ticket.identifier}/")
    if role == OUTSIDER:
        assert page.status_code == 404
    else:
        # Offered exactly the moves this person may make here.
        assert (f'name="to" value="{target.value}"' in page.content.decode()) == allowed
    response = client.post(f"/portal/requests/{ticket.identifier}/transition/", {"to": target.value})
    ticket.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert ticket.state == target
        assert ticket.events.count() == events + 1
        return
    assert ticket.state == current
    assert ticket.events.count() == events
    if role == OUTSIDER:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


@pytest.mark.parametrize("role", [REQUESTER, CUSTOMER_MANAGER, COPIED, COLLEAGUE])
def test_whoever_may_see_it_replies_and_a_reply_resumes_a_waiting_request(
    client: Client, people: dict[str, Any], role: str
) -> None:
    """Copies and colleagues change no state with a button, but their answer is the customer's answer."""
    ticket = _request_in(State.WAITING, people)
    client.force_login(people[role])
    assert 'name="body"' in client.get(f"/portal/requests/{ticket.identifier}/").content.decode()
    client.post(f"/portal/requests/{ticket.identifier}/reply/", {"body": "Here is the log you asked for."})
    ticket.refresh_from_db()
    assert ticket.events.filter(kind="reply", actor=people[role]).count() == 1
    assert ticket.state == State.IN_PROGRESS


def test_an_outsider_replies_to_nothing(client: Client, people: dict[str, Any]) -> None:
    ticket = _request_in(State.WAITING, people)
    with pytest.raises(PermissionDenied):
        ticket_reply(actor=people[OUTSIDER], ticket=ticket, body="Hello?")
    client.force_login(people[OUTSIDER])
    assert client.post(f"/portal/requests/{ticket.identifier}/reply/", {"body": "Hello?"}).status_code == 404
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING
    assert not ticket.events.filter(kind="reply").exists()


def test_after_the_reopen_window_the_requester_is_no_longer_offered_reopen(
    client: Client, people: dict[str, Any]
) -> None:
    long_ago = timezone.now() - timedelta(days=60)
    ticket = ticket_create(actor=people[REQUESTER], requester=people[REQUESTER].contact, subject="Old", now=long_ago)
    ticket_transition(actor=people[STAFF], ticket=ticket, to=State.RESOLVED, now=long_ago)
    client.force_login(people[REQUESTER])
    page = client.get(f"/portal/requests/{ticket.identifier}/").content.decode()
    assert 'value="reopened"' not in page
    assert 'value="closed"' in page  # confirming is still theirs
    response = client.post(f"/portal/requests/{ticket.identifier}/transition/", {"to": State.REOPENED.value})
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED
