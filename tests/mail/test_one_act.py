"""One act on the desk, one mail: a reply that also sets the request waiting, reassigns it and changes its priority
reaches each person who should hear of it once, through a real SMTP server."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest
from django.test import Client

from tests.conftest import speaks
from tests.mail.conftest import Collector
from tuki.accounts.services import staff_create
from tuki.agreements.models import Priority
from tuki.tickets.lifecycle import TransitionError
from tuki.tickets.models import EventKind, State, Ticket
from tuki.tickets.services import ticket_handle


def _text(envelope: Any) -> str:
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def test_a_reply_that_sets_waiting_and_reassigns_is_one_mail_to_each(
    client: Client,
    smtp_server: Collector,
    request_a: Ticket,
    agent: Any,
    anna: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    colleague = speaks(staff_create(email="ville@supplier.example", full_name="Ville Virtanen"), "en")
    speaks(anna, "en")
    client.force_login(agent)
    form = {
        "audience": "reply",
        "body": "Could you send the log?",
        "to": State.WAITING,
        "assignee": colleague.pk,
        "priority": Priority.HIGH,
        "kind": request_a.kind,
        "environment": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/desk/requests/{request_a.identifier}/handle/", form)
    assert response.status_code == 302

    # The reply, the move, the assignment and the priority are four events in the history, as before...
    kinds = list(request_a.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-4:] == [EventKind.ASSIGNMENT, EventKind.FIELD_CHANGE, EventKind.REPLY, EventKind.TRANSITION]
    # ...and one mail to each of the requester, the copied contact and the new assignee, not one per change.
    recipients = sorted(rcpt for envelope in smtp_server.envelopes for rcpt in envelope.rcpt_tos)
    assert recipients == ["aaro@org-a.example", "anna@org-a.example", "ville@supplier.example"]
    to_anna = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["anna@org-a.example"])
    text = _text(to_anna)
    assert "Aino Agentti replied:" in text
    assert "Could you send the log?" in text
    assert "Aino Agentti changed the state of the request to “Waiting for customer”." in text
    to_ville = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["ville@supplier.example"])
    assert "Aino Agentti assigned this request to you." in _text(to_ville)


def test_an_act_refused_in_part_mails_nobody(
    smtp_server: Collector, request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(TransitionError):  # the desk may not close a request: the customer confirms
            ticket_handle(actor=agent, ticket=request_a, body="Korjattu.", to=State.CLOSED)
    assert smtp_server.envelopes == []
    assert not request_a.events.filter(kind=EventKind.REPLY).exists()
