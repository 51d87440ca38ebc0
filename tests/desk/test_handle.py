"""The request page's one submit: a reply or a note, what happens next and the request's fields, all or nothing,
confirmed in the agent's language; and the state list, which offers only the moves the desk may make."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import speaks
from tuki.agreements.models import Priority
from tuki.environments.models import Environment
from tuki.tickets.models import EventKind, Kind, State, Ticket
from tuki.tickets.services import ticket_create, ticket_transition
from tuki.timesheets.models import TimeEntry, WorkKind


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    return ticket_create(actor=anna, requester=anna.contact, subject="Intranet is slow")


@pytest.fixture
def desk(client: Client, agent: Any) -> Client:
    client.force_login(speaks(agent, "en"))
    return client


def _as_shown(ticket: Ticket, **changes: Any) -> dict[str, Any]:
    """The form as the page posts it: the request's current values, and what the agent changed."""
    ticket.refresh_from_db()
    return {
        "audience": "reply",
        "body": "",
        "to": "",
        "assignee": ticket.assignee_id or "",
        "priority": ticket.priority,
        "kind": ticket.kind,
        "environment": ticket.environment_id or "",
        **changes,
    }


def _handle(client: Client, ticket: Ticket, data: dict[str, Any]) -> str:
    response = client.post(f"/desk/requests/{ticket.identifier}/handle/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _messages(page: str) -> str:
    found = re.search(r'<ul class="messages"[^>]*>(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_one_submit_replies_sets_waiting_reassigns_and_says_so(desk: Client, agent: Any, request_a: Ticket) -> None:
    production = Environment.objects.create(organisation=request_a.organisation, name="Production")
    data = _as_shown(
        request_a,
        body="Could you send the log?",
        to=State.WAITING,
        assignee=agent.pk,
        priority=Priority.HIGH,
        kind=Kind.SERVICE_REQUEST,
        environment=production.pk,
    )
    said = _messages(_handle(desk, request_a, data))
    request_a.refresh_from_db()
    assert (request_a.state, request_a.assignee, request_a.priority) == (State.WAITING, agent, Priority.HIGH)
    assert (request_a.kind, request_a.environment) == (Kind.SERVICE_REQUEST, production)
    assert request_a.first_responded_at is not None
    for sentence in (
        "Reply sent.",
        "The state is now “Waiting for customer”.",
        "Assigned to Aino Agentti.",
        "The priority is now “High”.",
        "The type is now “Service request”.",
        "The environment is now “Production”.",
    ):
        assert sentence in said


def test_a_note_with_nothing_else_changes_only_the_history(desk: Client, request_a: Ticket) -> None:
    said = _messages(_handle(desk, request_a, _as_shown(request_a, audience="note", body="Checked the log.")))
    assert "Note saved." in said and "state" not in said
    assert request_a.events.get(kind=EventKind.NOTE).public is False
    assert not request_a.events.filter(kind__in=(EventKind.REPLY, EventKind.TRANSITION)).exists()
    assert "Nothing was changed." in _messages(_handle(desk, request_a, _as_shown(request_a)))


@pytest.mark.parametrize(
    ("refused", "reason"),
    [
        # The lifecycle refuses the last part (only the customer confirms a resolution), after the others were made.
        ({"to": State.CLOSED}, "A request cannot move from"),
        ({"audience": "shout"}, "Choose a reply or a note."),  # the form: not one of the choices
        ({"body": "   ", "attachments": "log"}, "Write a message to go with the attachments."),
    ],
)
def test_a_refused_part_refuses_the_whole_act(
    desk: Client, settings: Any, tmp_path: Any, agent: Any, request_a: Ticket, refused: dict[str, Any], reason: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = _as_shown(request_a, body="We are on it.", assignee=agent.pk, priority=Priority.CRITICAL, to=State.WAITING)
    data.update(refused)
    if "attachments" in refused:
        data["attachments"] = SimpleUploadedFile("log.txt", b"ERROR\n", content_type="text/plain")
    page = _handle(desk, request_a, data)
    assert reason in _messages(page) and "message-error" in page
    request_a.refresh_from_db()
    assert (request_a.state, request_a.assignee, request_a.priority) == (State.NEW, None, Priority.NORMAL)
    assert list(request_a.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_a_contact_cannot_post_the_act(client: Client, anna: Any, request_a: Ticket) -> None:
    client.force_login(anna)
    response = client.post(f"/desk/requests/{request_a.identifier}/handle/", _as_shown(request_a, body="x"))
    assert response.status_code == 404
    assert request_a.events.count() == 1


def _state_options(page: str) -> list[tuple[str, bool, str]]:
    select = re.search(r'<select id="next-state" name="to"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?[^>]*>([^<]*)</option>', select.group(1)
        )
    ]


def test_after_resolving_the_state_list_keeps_it_resolved_unless_the_agent_reopens(
    desk: Client, agent: Any, request_a: Ticket
) -> None:
    ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    page = desk.get(f"/desk/requests/{request_a.identifier}/").content.decode()
    assert _state_options(page) == [("", True, "Keep as it is"), (State.REOPENED, False, "Reopen")]
    assert "Current state: Resolved" in page


def test_the_state_list_offers_the_desks_moves_named_as_actions(desk: Client, request_a: Ticket) -> None:
    page = desk.get(f"/desk/requests/{request_a.identifier}/").content.decode()
    assert _state_options(page) == [
        ("", True, "Keep as it is"),
        (State.IN_PROGRESS, False, "Start working on it"),
        (State.WAITING, False, "Wait for the customer"),
        (State.RESOLVED, False, "Resolve"),
        (State.CANCELLED, False, "Cancel the request"),
    ]
    assert 'data-send="Send and set waiting"' in page and 'data-save="Save and resolve"' in page
    # Calls and merges are still there, folded away below the everyday form.
    assert '<details class="card more-actions">' in page and 'id="merge-into"' in page


def test_the_single_buttons_confirm_what_they_did(desk: Client, agent: Any, request_a: Ticket) -> None:
    base = f"/desk/requests/{request_a.identifier}"
    said = _messages(desk.post(f"{base}/transition/", {"to": State.IN_PROGRESS}, follow=True).content.decode())
    assert "The state is now" in said and "In progress" in said
    said = _messages(desk.post(f"{base}/assign/", {"assignee": agent.pk}, follow=True).content.decode())
    assert "Assigned to Aino Agentti." in said
    said = _messages(desk.post(f"{base}/assign/", {"assignee": ""}, follow=True).content.decode())
    assert "The request is no longer assigned to anyone." in said
    said = _messages(desk.post(f"{base}/priority/", {"priority": Priority.LOW}, follow=True).content.decode())
    assert "The priority is now" in said


def test_the_customers_moves_are_confirmed_in_their_language(
    client: Client, agent: Any, anna: Any, request_a: Ticket
) -> None:
    client.force_login(speaks(anna, "fi"))
    base = f"/portal/requests/{request_a.identifier}/transition/"
    ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    said = _messages(client.post(base, {"to": State.REOPENED}, follow=True).content.decode())
    assert "Tukipyyntö on avattu uudelleen." in said
    ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    said = _messages(client.post(base, {"to": State.CLOSED}, follow=True).content.decode())
    assert "Kiitos: ratkaisu on vahvistettu ja tukipyyntö on suljettu." in said
    other = ticket_create(actor=anna, requester=anna.contact, subject="Another")
    page = client.post(f"/portal/requests/{other.identifier}/transition/", {"to": State.CANCELLED}, follow=True)
    assert "Tukipyyntö on peruttu." in _messages(page.content.decode())


def test_the_act_logs_its_time_in_the_same_submit(desk: Client, agent: Any, request_a: Ticket) -> None:
    data = _as_shown(request_a, body="Restarted the service.", to=State.WAITING, time_spent="1 h 15 min")
    said = _messages(_handle(desk, request_a, data))
    assert "Time logged: 1 h 15 min." in said
    (entry,) = TimeEntry.objects.filter(ticket=request_a)
    assert (entry.minutes, entry.kind, entry.author_id) == (75, WorkKind.HELP_DESK, agent.pk)
    request_a.refresh_from_db()
    assert request_a.state == State.WAITING


def test_time_the_agreement_does_not_cover_refuses_the_whole_act(
    desk: Client, request_a: Ticket, agreement_a: Any
) -> None:
    agreement_a.hourly_rate = 0
    agreement_a.save(update_fields=["hourly_rate"])
    data = _as_shown(
        request_a, body="Built the report.", to=State.WAITING, time_spent="2 h", work_kind=WorkKind.ADDITIONAL
    )
    page = _handle(desk, request_a, data)
    assert "message-error" in page
    request_a.refresh_from_db()
    assert request_a.state == State.NEW
    assert list(request_a.events.values_list("kind", flat=True)) == [EventKind.CREATED]
    assert not TimeEntry.objects.filter(ticket=request_a).exists()


def test_time_that_is_not_a_duration_is_refused_with_the_act(desk: Client, request_a: Ticket) -> None:
    page = _handle(desk, request_a, _as_shown(request_a, body="Checked.", time_spent="soon"))
    assert "message-error" in page
    assert list(request_a.events.values_list("kind", flat=True)) == [EventKind.CREATED]
