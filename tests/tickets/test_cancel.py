"""The customer cancels their own request; a colleague who is not the customer manager may not."""

from __future__ import annotations

from typing import Any

import pytest

from tuki.accounts.services import contact_create
from tuki.tickets.lifecycle import TransitionError
from tuki.tickets.models import State
from tuki.tickets.services import ticket_create, ticket_transition


def test_only_the_requester_or_the_customer_manager_cancels(anna: Any, org_a: Any, agreement_a: Any) -> None:
    colleague = contact_create(organisation=org_a, email="colleague@org-a.example", full_name="Kaisa Kollega")
    mine = ticket_create(actor=colleague.user, requester=colleague, subject="Mine")
    hers = ticket_create(actor=anna, requester=anna.contact, subject="Hers")
    with pytest.raises(TransitionError, match="Vain"):
        ticket_transition(actor=colleague.user, ticket=hers, to=State.CANCELLED)
    assert ticket_transition(actor=colleague.user, ticket=mine, to=State.CANCELLED).state == State.CANCELLED
    # Anna is the customer manager: she may cancel a colleague's request.
    other = ticket_create(actor=colleague.user, requester=colleague, subject="Other")
    assert ticket_transition(actor=anna, ticket=other, to=State.CANCELLED).state == State.CANCELLED
