"""The buttons of a request's page on the desk, each at its own address: what they do, and what they say to input
they cannot use. Nonsense gets a message naming what to choose, in the agent's language, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import speaks
from tuki.agreements.models import Priority
from tuki.environments.models import Environment
from tuki.tickets.models import EventKind, Kind, State, Ticket, TicketEvent
from tuki.tickets.services import ticket_create


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    return ticket_create(actor=anna, requester=anna.contact, subject="Intranet is slow")


@pytest.fixture
def desk(client: Client, agent: Any) -> Client:
    client.force_login(speaks(agent, "en"))
    return client


def _post(client: Client, ticket: Ticket, action: str, data: dict[str, Any]) -> str:
    response = client.post(f"/desk/requests/{ticket.identifier}/{action}/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_every_button_does_its_one_thing(
    desk: Client, settings: Any, tmp_path: Any, agent: Any, anna: Any, aaro: Any, request_a: Ticket
) -> None:
    settings.MEDIA_ROOT = tmp_path
    production = Environment.objects.create(organisation=request_a.organisation, name="Production")
    log = SimpleUploadedFile("spooler.log", b"ERROR spooler stalled\n", content_type="text/plain")
    assert "Reply sent." in _post(desk, request_a, "reply", {"body": "We are on it."})
    assert "Note saved." in _post(desk, request_a, "note", {"body": "See the log.", "attachments": [log]})
    assert "Call logged." in _post(desk, request_a, "call", {"caller": aaro.pk, "body": "Aaro called."})
    _post(desk, request_a, "transition", {"to": State.IN_PROGRESS})
    _post(desk, request_a, "priority", {"priority": Priority.HIGH})
    _post(desk, request_a, "assign", {"assignee": agent.pk})
    _post(desk, request_a, "update", {"kind": Kind.SERVICE_REQUEST, "environment": production.pk})

    request_a.refresh_from_db()
    assert (request_a.state, request_a.priority, request_a.assignee) == (State.IN_PROGRESS, Priority.HIGH, agent)
    assert (request_a.kind, request_a.environment) == (Kind.SERVICE_REQUEST, production)
    assert TicketEvent.objects.get(ticket=request_a, kind=EventKind.NOTE).attachments.get().name == "spooler.log"
    assert TicketEvent.objects.get(ticket=request_a, kind=EventKind.PHONE).data["caller"] == aaro.pk

    _post(desk, request_a, "assign", {"assignee": ""})
    request_a.refresh_from_db()
    assert request_a.assignee is None


def test_merging_leads_to_the_request_merged_into(desk: Client, anna: Any, request_a: Ticket) -> None:
    original = ticket_create(actor=anna, requester=anna.contact, subject="Intranet slow again")
    response = desk.post(f"/desk/requests/{request_a.identifier}/merge/", {"into": original.identifier.lower()})
    assert response.status_code == 302
    assert response.url == f"/desk/requests/{original.identifier}/"
    request_a.refresh_from_db()
    assert request_a.merged_into == original and request_a.state == State.CANCELLED


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("transition", {"to": "nowhere"}, "Choose a state."),
        ("transition", {}, "Choose a state."),
        ("priority", {"priority": "urgent"}, "Choose a priority."),
        ("priority", {"priority": "²"}, "Choose a priority."),
        ("priority", {"priority": "9"}, "Choose a priority."),
        ("update", {"kind": "complaint"}, "Choose a type."),
        ("merge", {"into": "SR-999999"}, "No such request."),
        ("merge", {"into": "not an identifier"}, "No such request."),
        ("call", {"caller": "x", "body": "Hello"}, "Choose who called."),
        ("link-article", {"article": "²"}, "Choose a handbook article."),
    ],
)
def test_input_the_page_never_offers_gets_a_message_and_writes_nothing(
    desk: Client, request_a: Ticket, action: str, data: dict[str, Any], message: str
) -> None:
    before = request_a.events.count()
    assert message in _post(desk, request_a, action, data)
    assert request_a.events.count() == before
    assert Ticket.objects.get(pk=request_a.pk).state == State.NEW


def test_choices_are_the_requests_own(
    desk: Client, anna: Any, bertil: Any, agreement_b: Any, request_a: Ticket
) -> None:
    """Another customer's environment or contact, or a customer as assignee, is not one of the choices."""
    elsewhere = Environment.objects.create(organisation=bertil.contact.organisation, name="Lönesystem")
    page = _post(desk, request_a, "update", {"kind": Kind.INCIDENT, "environment": elsewhere.pk})
    assert "Choose one of the customer&#x27;s environments." in page
    assert "Choose who called." in _post(desk, request_a, "call", {"caller": bertil.contact.pk, "body": "Hej"})
    page = _post(desk, request_a, "assign", {"assignee": anna.pk})
    assert "Requests can be assigned only to the support staff." in page
    request_a.refresh_from_db()
    assert request_a.environment is None and request_a.assignee is None
    assert request_a.events.count() == 1  # created, and nothing since


def test_a_refusal_of_the_lifecycle_reads_as_its_reason(desk: Client, request_a: Ticket) -> None:
    assert "cannot move from" in _post(desk, request_a, "transition", {"to": State.CLOSED})
    assert "Write a message before sending." in _post(desk, request_a, "reply", {"body": "   "})


def test_a_contact_reaches_none_of_the_buttons(client: Client, anna: Any, request_a: Ticket) -> None:
    client.force_login(anna)
    for action in ("reply", "note", "transition", "assign", "merge", "link-article"):
        assert client.post(f"/desk/requests/{request_a.identifier}/{action}/", {"body": "x"}).status_code == 404
    assert request_a.events.count() == 1
