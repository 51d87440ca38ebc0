"""The hidden key that makes a double submit file one request belongs to its requester and fits its column."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create


def _form(key: str, subject: str = "Printer jammed") -> dict[str, str]:
    return {
        "subject": subject,
        "description": "Paper everywhere",
        "kind": "incident",
        "priority": "3",
        "submission_key": key,
    }


def test_a_key_someone_else_used_files_a_request_of_ones_own(
    client: Client, anna: Any, bertil: Any, agreement_a: Any, agreement_b: Any
) -> None:
    theirs = ticket_create(actor=anna, requester=anna.contact, subject="Salaries", submission_key="seen-on-a-page")
    client.force_login(bertil)
    answer = client.post("/portal/requests/new/", _form("seen-on-a-page", "Bertil's own"))
    assert answer.status_code == 302
    mine = Ticket.objects.get(requester=bertil.contact)
    assert mine.subject == "Bertil's own" and mine.pk != theirs.pk
    assert answer["Location"] == f"/portal/requests/{mine.identifier}/"
    # And the same key again from him is his own double submit: one request.
    assert client.post("/portal/requests/new/", _form("seen-on-a-page", "Bertil's own")).status_code == 302
    assert Ticket.objects.filter(requester=bertil.contact).count() == 1


def test_a_key_longer_than_its_column_is_refused_by_the_form(client: Client, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)
    answer = client.post("/portal/requests/new/", _form("k" * 100))
    assert answer.status_code == 200
    assert "submission_key" in answer.context["form"].errors
    assert not Ticket.objects.exists()


def test_a_key_longer_than_its_column_is_refused_by_the_service(anna: Any, agreement_a: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=anna, requester=anna.contact, subject="Printer", submission_key="k" * 65)
    assert "submission_key" in refused.value.message_dict
    assert not Ticket.objects.exists()


def test_the_phone_form_refuses_a_long_key(client: Client, agent: Any, anna: Any, agreement_a: Any) -> None:
    client.force_login(agent)
    form = {"requester": anna.contact.pk, "subject": "Called", "description": "Anna called.", "kind": "incident"}
    answer = client.post("/desk/phone/", {**form, "priority": "2", "submission_key": "k" * 65})
    assert answer.status_code == 200 and "submission_key" in answer.context["form"].errors
    assert not Ticket.objects.exists()
    assert client.post("/desk/phone/", {**form, "priority": "2", "submission_key": "k" * 64}).status_code == 302
