"""Attachments: checked by content and size, stored only whole, served only as downloads to those who may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.tickets.conftest import pdf
from tuki.tickets.models import Attachment, Ticket, TicketEvent
from tuki.tickets.services import ticket_create, ticket_note, ticket_reply

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _stored_files(settings: Any) -> list[Any]:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def _url(face: str, ticket: Ticket, attachment: Attachment) -> str:
    prefix = "/portal" if face == "portal" else "/desk"
    return f"{prefix}/requests/{ticket.identifier}/files/{attachment.pk}/"


@pytest.fixture
def public_pdf(agent: Any, request_a: Ticket) -> Attachment:
    event = ticket_reply(actor=agent, ticket=request_a, body="The log you asked for.", files=[pdf()])
    return event.attachments.get()


def test_attachment_is_stored_under_the_media_root(settings: Any, public_pdf: Attachment) -> None:
    assert public_pdf.content_type == "application/pdf"
    assert [path.name for path in _stored_files(settings)] == [public_pdf.file.name.rsplit("/", 1)[-1]]


@pytest.mark.parametrize("face", ["portal", "desk"])
def test_public_attachment_is_a_download(
    client: Client, anna: Any, agent: Any, request_a: Ticket, public_pdf: Attachment, face: str
) -> None:
    client.force_login(anna if face == "portal" else agent)
    response = client.get(_url(face, request_a, public_pdf))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "report.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    response.close()


def test_other_organisation_gets_404(
    client: Client, bertil: Any, agreement_b: Any, request_a: Ticket, public_pdf: Attachment
) -> None:
    own = ticket_create(actor=bertil, requester=bertil.contact, subject="Lönerna")
    client.force_login(bertil)
    assert client.get(_url("portal", request_a, public_pdf)).status_code == 404
    assert client.get(_url("portal", own, public_pdf)).status_code == 404


def test_attachment_of_an_internal_note_is_404_for_the_customer(
    client: Client, anna: Any, agent: Any, request_a: Ticket
) -> None:
    note = ticket_note(actor=agent, ticket=request_a, body="Their config, do not share.", files=[pdf("config.pdf")])
    attachment = note.attachments.get()
    client.force_login(anna)
    assert client.get(_url("portal", request_a, attachment)).status_code == 404
    client.force_login(agent)
    response = client.get(_url("desk", request_a, attachment))
    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize("face", ["portal", "desk"])
def test_attachment_under_another_requests_identifier_is_404(
    client: Client, anna: Any, agent: Any, request_a: Ticket, public_pdf: Attachment, face: str
) -> None:
    other = ticket_create(actor=anna, requester=anna.contact, subject="Another one")
    client.force_login(anna if face == "portal" else agent)
    assert client.get(_url(face, other, public_pdf)).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [("big.pdf", b"%PDF-1.4\n" + b"0" * 200), ("page.html", HTML), ("invoice.pdf", HTML), ("setup.exe", EXE)],
)
def test_refused_file_saves_nothing(settings: Any, anna: Any, request_a: Ticket, name: str, content: bytes) -> None:
    settings.TUKI_ATTACHMENT_MAX_BYTES = 100
    events = TicketEvent.objects.count()
    upload = SimpleUploadedFile(name, content, "application/pdf")
    with pytest.raises(ValidationError) as refused:
        ticket_reply(actor=anna, ticket=request_a, body="Here it is.", files=[pdf("ok.pdf"), upload])
    assert "files" in refused.value.message_dict
    assert TicketEvent.objects.count() == events
    assert Attachment.objects.count() == 0
    assert _stored_files(settings) == []


def test_refused_file_on_a_new_request_files_no_request(anna: Any, agreement_a: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        ticket_create(
            actor=anna,
            requester=anna.contact,
            subject="See attached",
            files=[SimpleUploadedFile("setup.exe", EXE, "application/octet-stream")],
        )
    assert "files" in refused.value.message_dict
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert Attachment.objects.count() == 0
