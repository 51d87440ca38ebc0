"""Phone: a call logged as a new request, or as an event on an existing one, for named contacts only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tuki.accounts.services import contact_create
from tuki.tickets.models import Channel, Ticket
from tuki.tickets.services import ticket_create, ticket_log_call


def test_phone_form_files_one_request_even_when_sent_twice(
    client: Client, agent: Any, anna: Any, agreement_a: Any
) -> None:
    client.force_login(agent)
    form = {
        "requester": anna.contact.pk,
        "subject": "Printer",
        "description": "Anna called.",
        "kind": "incident",
        "priority": "2",
        "submission_key": "key-123",
    }
    first = client.post("/desk/phone/", form)
    second = client.post("/desk/phone/", form)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.PHONE
    assert ticket.requester == anna.contact


def test_phone_form_refuses_a_contact_without_an_agreement(client: Client, agent: Any, bertil: Any) -> None:
    client.force_login(agent)
    page = client.get("/desk/phone/").content.decode()
    assert "Bertil" not in page  # org B has no agreement in this test
    response = client.post(
        "/desk/phone/",
        {
            "requester": bertil.contact.pk,
            "subject": "x",
            "description": "y",
            "kind": "incident",
            "priority": "3",
            "submission_key": "k",
        },
    )
    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_call_on_an_existing_request(agent: Any, anna: Any, agreement_a: Any, org_b: Any) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Slow")
    event = ticket_log_call(actor=agent, ticket=ticket, caller=anna.contact, body="Anna says it is faster now.")
    assert event.kind == "phone" and event.public
    stranger = contact_create(organisation=org_b, email="x@org-b.example", full_name="X")
    with pytest.raises(ValidationError) as error:
        ticket_log_call(actor=agent, ticket=ticket, caller=stranger, body="Hello")
    assert "caller" in error.value.message_dict


def test_call_form_on_the_request_page(client: Client, agent: Any, anna: Any, agreement_a: Any) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Slow")
    client.force_login(agent)
    client.post(
        f"/desk/requests/{ticket.identifier}/call/",
        {"caller": anna.contact.pk, "body": "Called back."},
    )
    assert ticket.events.filter(kind="phone").count() == 1
