"""Requests through the API: list, search, read, file (idempotent by external reference), reply, move, assign."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, pdf
from tuki.tickets.models import Channel, EventKind, State, Ticket

pytestmark = pytest.mark.django_db


def test_a_contact_files_a_request_through_the_api(as_anna: Api, anna: Any) -> None:
    response = as_anna.post(
        "/requests", {"subject": "Invoices are not sent", "priority": 2, "external_reference": "INC0012345"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "Invoices are not sent"
    assert body["requester"]["id"] == anna.contact.pk
    assert body["channel"] == "api" and body["external_reference"] == "INC0012345"
    assert [event["kind"] for event in body["events"]] == ["created"]
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.API and body["id"] == ticket.identifier


def test_a_replayed_create_answers_with_the_first_request(as_anna: Api) -> None:
    payload = {"subject": "Invoices are not sent", "external_reference": "INC-1"}
    first = as_anna.post("/requests", payload)
    again = as_anna.post("/requests", payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Ticket.objects.count() == 1


def test_the_same_reference_of_another_customer_is_another_request(as_anna: Api, as_bertil: Api) -> None:
    assert as_anna.post("/requests", {"subject": "A", "external_reference": "1"}).status_code == 201
    assert as_bertil.post("/requests", {"subject": "B", "external_reference": "1"}).status_code == 201


def test_the_service_itself_returns_the_earlier_request_when_a_retry_races(anna: Any, agreement_a: Any) -> None:
    from tuki.tickets.services import ticket_create

    first = ticket_create(actor=anna, requester=anna.contact, subject="A", external_reference="X-1")
    # The API's own look-up missed it (as a concurrent retry does): the unique constraint answers.
    second = ticket_create(actor=anna, requester=anna.contact, subject="A", external_reference="X-1")
    assert second.pk == first.pk and Ticket.objects.count() == 1


def test_the_staff_file_for_a_named_contact(as_agent: Api, anna: Any, agreement_a: Any) -> None:
    missing = as_agent.post("/requests", {"subject": "Call from Anna"})
    assert missing.status_code == 422 and missing.json()["field"] == "requester"
    response = as_agent.post("/requests", {"subject": "Call from Anna", "requester": anna.contact.pk})
    assert response.status_code == 201
    assert response.json()["requester"]["name"] == "Anna Asiakas"


def test_a_request_with_attachments_is_filed_from_a_multipart_body(as_anna: Api) -> None:
    response = as_anna.upload(
        "/requests/with-attachments", {"subject": "Logs attached", "kind": "question", "files": [pdf()]}
    )
    assert response.status_code == 201, response.content
    created = response.json()["events"][0]
    assert [file["name"] for file in created["attachments"]] == ["report.pdf"]
    download = as_anna.client.get(created["attachments"][0]["url"], headers=as_anna.headers())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_list_filters_and_cursor_pages(as_agent: Api, anna: Any, agreement_a: Any) -> None:
    from tuki.tickets.services import ticket_create

    made = [ticket_create(actor=anna, requester=anna.contact, subject=f"Printer {n}") for n in range(5)]
    first = as_agent.get("/requests", limit=2).json()
    assert [item["id"] for item in first["items"]] == [made[4].identifier, made[3].identifier]
    # A request filed meanwhile does not shift the next page.
    ticket_create(actor=anna, requester=anna.contact, subject="Newer")
    second = as_agent.get("/requests", limit=2, cursor=first["next_cursor"]).json()
    assert [item["id"] for item in second["items"]] == [made[2].identifier, made[1].identifier]
    third = as_agent.get("/requests", limit=2, cursor=second["next_cursor"]).json()
    assert [item["id"] for item in third["items"]] == [made[0].identifier] and third["next_cursor"] is None
    assert as_agent.get("/requests", cursor="bogus").json()["code"] == "invalid_cursor"
    assert len(as_agent.get("/requests", state="new", priority=3, queue="unassigned").json()["items"]) == 6
    assert as_agent.get("/requests", state="closed").json()["items"] == []


def test_search_finds_by_words_and_by_external_reference(as_anna: Api) -> None:
    as_anna.post("/requests", {"subject": "Printer jams", "external_reference": "INC0099"})
    as_anna.post("/requests", {"subject": "Invoices missing"})
    found = as_anna.get("/requests", q="printer").json()["items"]
    assert [item["subject"] for item in found] == ["Printer jams"]
    by_reference = as_anna.get("/requests", q="INC0099").json()["items"]
    assert [item["subject"] for item in by_reference] == ["Printer jams"]
    exact = as_anna.get("/requests", external_reference="INC0099").json()["items"]
    assert [item["subject"] for item in exact] == ["Printer jams"]


def test_reply_note_transition_and_assign(as_agent: Api, as_anna: Api, agent: Any, request_a: Ticket) -> None:
    path = f"/requests/{request_a.identifier}"
    assert as_agent.put(f"{path}/assignee", {"assignee": agent.pk}).json()["assignee"]["id"] == agent.pk
    assert as_agent.post(f"{path}/transitions", {"to": "in_progress"}).json()["state"] == "in_progress"
    note = as_agent.post(f"{path}/notes", {"body": "Looks like the disk"})
    assert note.status_code == 201 and note.json()["public"] is False
    reply = as_anna.post(f"{path}/replies", {"body": "Still slow"})
    assert reply.status_code == 201 and reply.json()["kind"] == EventKind.REPLY
    # The customer sees the history without the note or the assignment.
    kinds = [event["kind"] for event in as_anna.get(f"{path}/events").json()]
    assert "note" not in kinds and "assignment" not in kinds and "reply" in kinds
    assert "note" in [event["kind"] for event in as_agent.get(f"{path}/events").json()]


def test_the_lifecycle_refuses_a_contact_resolving(as_anna: Api, request_a: Ticket) -> None:
    response = as_anna.post(f"/requests/{request_a.identifier}/transitions", {"to": "resolved"})
    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert Ticket.objects.get().state == State.NEW


def test_contacts_may_not_write_notes_or_assign(as_anna: Api, agent: Any, request_a: Ticket) -> None:
    path = f"/requests/{request_a.identifier}"
    assert as_anna.post(f"{path}/notes", {"body": "x"}).status_code == 403
    assert as_anna.put(f"{path}/assignee", {"assignee": agent.pk}).status_code == 403


def test_a_reply_is_uploaded_with_files_and_listed(as_anna: Api, request_a: Ticket) -> None:
    path = f"/requests/{request_a.identifier}/attachments"
    response = as_anna.upload(path, {"body": "Here is the log", "files": [pdf("log.pdf")]})
    assert response.status_code == 201, response.content
    assert [item["name"] for item in as_anna.get(path).json()] == ["log.pdf"]
