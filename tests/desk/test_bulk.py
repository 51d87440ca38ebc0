"""Many requests at once from a queue: each through the same service as one by one, each refusal told by name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import speaks
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_assign, ticket_create, ticket_transition


@pytest.fixture
def two(anna: Any, agreement_a: Any) -> list[Ticket]:
    return [ticket_create(actor=anna, requester=anna.contact, subject=f"Request {n}") for n in (1, 2)]


@pytest.fixture
def desk(client: Client, agent: Any) -> Client:
    client.force_login(speaks(agent, "en"))
    return client


def _bulk(client: Client, data: dict[str, Any]) -> str:
    response = client.post("/desk/bulk/", {"next": "/desk/?queue=all", **data}, follow=True)
    assert response.redirect_chain[-1][0] == "/desk/?queue=all"
    return response.content.decode()


def test_assign_and_move_several(desk: Client, agent: Any, two: list[Ticket]) -> None:
    ids = [ticket.pk for ticket in two]
    assert "2 requests updated." in _bulk(desk, {"tickets": ids, "action": "assign", "value": agent.pk})
    ticket_transition(actor=agent, ticket=two[0], to=State.RESOLVED)
    page = _bulk(desk, {"tickets": ids, "action": "transition", "value": State.IN_PROGRESS})
    assert "1 requests updated." in page
    assert f"{two[0].identifier}: A request cannot move from" in page
    assert [Ticket.objects.get(pk=pk).assignee for pk in ids] == [agent, agent]
    assert Ticket.objects.get(pk=two[1].pk).state == State.IN_PROGRESS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign", "value": ""}, "Select at least one request."),
        ({"tickets": ["²"], "action": "assign", "value": ""}, "is not a valid value"),
        ({"tickets": "both", "action": "delete", "value": ""}, "Choose what to do with the selected requests."),
        # The list holds agents and states alike: a state is no one to assign to (it used to unassign).
        ({"tickets": "both", "action": "assign", "value": State.RESOLVED}, "Choose what to do with"),
        ({"tickets": "both", "action": "transition", "value": "nowhere"}, "Choose what to do with"),
    ],
)
def test_what_cannot_be_done_is_said_and_nothing_changes(
    desk: Client, agent: Any, two: list[Ticket], data: dict[str, Any], message: str
) -> None:
    for ticket in two:
        ticket_assign(actor=agent, ticket=ticket, assignee=agent)
        ticket_transition(actor=agent, ticket=ticket, to=State.IN_PROGRESS)
    if data.get("tickets") == "both":
        data = {**data, "tickets": [ticket.pk for ticket in two]}
    assert message in _bulk(desk, data)
    assert [(t.state, t.assignee) for t in Ticket.objects.order_by("pk")] == [(State.IN_PROGRESS, agent)] * 2
