"""A customer's message no agent has read yet: marked in every queue, a tab of its own, cleared when an agent opens
the request or answers it. And an agent who answers a request nobody has takes it, unless they say otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import speaks
from tuki.accounts.services import staff_create
from tuki.tickets.models import EventKind, State, Ticket, TicketEvent
from tuki.tickets.services import (
    ticket_assign,
    ticket_create,
    ticket_mark_read,
    ticket_note,
    ticket_reply,
    ticket_transition,
)

MARKER = '<span class="unread-badge">New message</span>'


@pytest.fixture
def desk(client: Client, agent: Any) -> Client:
    client.force_login(speaks(agent, "en"))
    return client


@pytest.fixture
def answered(anna: Any, agreement_a: Any) -> Ticket:
    """Anna's request, which she has just answered."""
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Intranet is slow")
    ticket_reply(actor=anna, ticket=ticket, body="It is slow again this morning.")
    return ticket


@pytest.fixture
def quiet(anna: Any, agreement_a: Any) -> Ticket:
    """A request of Anna's with nothing new from her."""
    return ticket_create(actor=anna, requester=anna.contact, subject="Printer offline")


def _row(html: str, ticket: Ticket) -> str:
    """The queue's table row of ``ticket``."""
    start = html.rindex("<tr", 0, html.index(f">{ticket.identifier}</a>"))
    return html[start : html.index("</tr>", start)]


def test_every_queue_marks_a_request_the_customer_answered(
    desk: Client, agent: Any, answered: Ticket, quiet: Ticket
) -> None:
    for queue in ("open", "unassigned", "all"):
        html = desk.get(f"/desk/?queue={queue}").content.decode()
        assert MARKER in _row(html, answered), queue
        assert "unread-badge" not in _row(html, quiet), queue
    ticket_assign(actor=agent, ticket=answered, assignee=agent)
    assert MARKER in _row(desk.get("/desk/?queue=mine").content.decode(), answered)


def test_the_new_messages_tab_lists_and_counts_only_unread_requests(
    desk: Client, anna: Any, agent: Any, answered: Ticket, quiet: Ticket
) -> None:
    html = desk.get("/desk/?queue=unread").content.decode()
    assert f">{answered.identifier}</a>" in html
    assert f">{quiet.identifier}</a>" not in html
    assert 'href="?queue=unread"' in html and 'New messages<span class="count">1</span>' in html

    # Waiting for the customer, who answers: it is back in the tab (and back at work).
    ticket_reply(actor=agent, ticket=quiet, body="Is it switched on?")
    ticket_transition(actor=agent, ticket=quiet, to=State.WAITING)
    ticket_reply(actor=anna, ticket=quiet, body="It is.")
    html = desk.get("/desk/?queue=unread").content.decode()
    assert f">{quiet.identifier}</a>" in html
    assert 'New messages<span class="count">2</span>' in html


def test_opening_the_request_clears_the_mark(desk: Client, answered: Ticket) -> None:
    assert desk.get(f"/desk/requests/{answered.identifier}/").status_code == 200
    answered.refresh_from_db()
    assert answered.unread_message_at is None
    html = desk.get("/desk/?queue=unread").content.decode()
    assert f">{answered.identifier}</a>" not in html
    assert "unread-badge" not in _row(desk.get("/desk/?queue=all").content.decode(), answered)


def test_opening_costs_one_update_while_unread_and_none_after(desk: Client, answered: Ticket, quiet: Ticket) -> None:
    desk.get(f"/desk/requests/{quiet.identifier}/")  # fills the per-process caches (SLA calendars, templates)
    page = f"/desk/requests/{answered.identifier}/"
    with CaptureQueriesContext(connection) as unread:
        desk.get(page)
    with CaptureQueriesContext(connection) as read:
        desk.get(page)
    updates = [query["sql"] for query in unread.captured_queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "unread_message_at" in updates[0]
    assert len(read.captured_queries) == len(unread.captured_queries) - 1
    assert not any(query["sql"].startswith("UPDATE") for query in read.captured_queries)


def test_a_message_arriving_while_the_page_is_made_stays_unread(agent: Any, anna: Any, answered: Ticket) -> None:
    seen = Ticket.objects.get(pk=answered.pk)  # the row as the page read it
    ticket_reply(actor=anna, ticket=answered, body="And now the login fails too.")
    assert ticket_mark_read(actor=agent, ticket=seen) is False
    answered.refresh_from_db()
    assert answered.unread_message_at is not None


def test_answering_clears_the_mark_and_a_note_does_not(desk: Client, agent: Any, answered: Ticket) -> None:
    ticket_note(actor=agent, ticket=answered, body="Looks like the proxy.")
    answered.refresh_from_db()
    assert answered.unread_message_at is not None

    response = desk.post(f"/desk/requests/{answered.identifier}/reply/", {"body": "We are on it."})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.unread_message_at is None


def test_a_contacts_read_of_their_own_request_leaves_the_mark(client: Client, anna: Any, answered: Ticket) -> None:
    client.force_login(anna)
    assert client.get(f"/portal/requests/{answered.identifier}/").status_code == 200
    answered.refresh_from_db()
    assert answered.unread_message_at is not None


# -------------------------------------------------------------------------------------------- assign to me


def test_the_reply_form_offers_to_assign_only_an_unassigned_request(desk: Client, agent: Any, answered: Ticket) -> None:
    html = desk.get(f"/desk/requests/{answered.identifier}/").content.decode()
    assert '<input type="checkbox" id="assign-to-me" name="assign_to_me" checked>' in html
    assert "Assign to me when I reply" in html
    ticket_assign(actor=agent, ticket=answered, assignee=agent)
    assert 'name="assign_to_me"' not in desk.get(f"/desk/requests/{answered.identifier}/").content.decode()


def test_replying_with_assign_to_me_takes_the_request_and_says_so_in_the_history(
    desk: Client, agent: Any, answered: Ticket
) -> None:
    desk.post(f"/desk/requests/{answered.identifier}/reply/", {"body": "On it.", "assign_to_me": "on"})
    answered.refresh_from_db()
    assert answered.assignee == agent
    assignment = TicketEvent.objects.get(ticket=answered, kind=EventKind.ASSIGNMENT)
    assert (assignment.actor, assignment.data, assignment.public) == (agent, {"from": None, "to": agent.pk}, False)
    kinds = list(TicketEvent.objects.filter(ticket=answered).values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.ASSIGNMENT, EventKind.REPLY]
    html = desk.get(f"/desk/requests/{answered.identifier}/").content.decode()
    assert "Assigned" in html


def test_unticking_assign_to_me_leaves_the_request_unassigned(desk: Client, answered: Ticket) -> None:
    desk.post(f"/desk/requests/{answered.identifier}/reply/", {"body": "A colleague will take this."})
    answered.refresh_from_db()
    assert answered.assignee is None
    assert not TicketEvent.objects.filter(ticket=answered, kind=EventKind.ASSIGNMENT).exists()


def test_assign_to_me_never_takes_a_colleagues_request_nor_a_note(
    desk: Client, agent: Any, manager: Any, answered: Ticket, quiet: Ticket
) -> None:
    colleague = staff_create(email="kaisa@supplier.example", full_name="Kaisa Kollega")
    ticket_assign(actor=manager, ticket=answered, assignee=colleague)
    desk.post(f"/desk/requests/{answered.identifier}/reply/", {"body": "Adding a detail.", "assign_to_me": "on"})
    desk.post(f"/desk/requests/{quiet.identifier}/note/", {"body": "Internal.", "assign_to_me": "on"})
    answered.refresh_from_db()
    quiet.refresh_from_db()
    assert (answered.assignee, quiet.assignee) == (colleague, None)


def test_a_contact_cannot_assign_themselves_by_posting_the_field(client: Client, anna: Any, quiet: Ticket) -> None:
    client.force_login(anna)
    client.post(f"/portal/requests/{quiet.identifier}/reply/", {"body": "Any news?", "assign_to_me": "on"})
    quiet.refresh_from_db()
    assert quiet.assignee is None
    assert quiet.unread_message_at is not None
