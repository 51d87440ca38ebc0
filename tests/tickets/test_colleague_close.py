"""The reported hole: any contact of the customer could confirm a colleague's resolution and close the request.

Kept apart from the full table (test_contact_rights.py) and written with names the old code had too, so that it
shows the hole on the code before the fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tuki.accounts.models import Contact
from tuki.tickets.lifecycle import TransitionError
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_create, ticket_transition


@pytest.fixture
def resolved(anna: Any, agent: Any, agreement_a: Any) -> Ticket:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Printing fails")
    ticket_transition(actor=agent, ticket=ticket, to=State.IN_PROGRESS)
    return ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED)


def test_a_colleague_cannot_confirm_the_resolution(resolved: Ticket, aaro: Contact) -> None:
    with pytest.raises(TransitionError):
        ticket_transition(actor=aaro.user, ticket=resolved, to=State.CLOSED)
    resolved.refresh_from_db()
    assert resolved.state == State.RESOLVED


def test_the_portal_neither_offers_nor_makes_it(client: Client, resolved: Ticket, aaro: Contact) -> None:
    client.force_login(aaro.user)
    page = client.get(f"/portal/requests/{resolved.identifier}/").content.decode()
    assert 'value="closed"' not in page
    assert 'value="reopened"' not in page
    client.post(f"/portal/requests/{resolved.identifier}/transition/", {"to": State.CLOSED.value})
    resolved.refresh_from_db()
    assert resolved.state == State.RESOLVED
    assert not resolved.events.filter(data__to=State.CLOSED).exists()


def test_the_requester_still_confirms(resolved: Ticket, anna: Any) -> None:
    assert ticket_transition(actor=anna, ticket=resolved, to=State.CLOSED).state == State.CLOSED
