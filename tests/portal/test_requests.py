"""Online Support Services: filing, following, listing and exporting requests."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tuki.environments.models import Environment
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create, ticket_note, ticket_reply

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "subject": "Intranet search is broken",
        "description": "It returns an empty page.",
        "kind": "incident",
        "priority": "2",
        "submission_key": "form-1",
    } | overrides


def test_anna_files_a_request_with_an_attachment_and_a_colleague_in_copy(
    client: Client, anna: Any, aaro: Any, agreement_a: Any
) -> None:
    client.force_login(anna)
    page = client.get("/portal/requests/new/").content.decode()
    assert "Aaro Aalto" in page  # a colleague to copy
    upload = SimpleUploadedFile("error.pdf", PDF, content_type="application/pdf")
    response = client.post("/portal/requests/new/", _form(cc=[aaro.pk], attachments=[upload]))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert response.url == f"/portal/requests/{ticket.identifier}/"
    assert ticket.channel == "portal" and ticket.requester == anna.contact
    assert list(ticket.cc_contacts.all()) == [aaro]
    assert ticket.attachments.get().name == "error.pdf"


def test_a_double_submit_files_one_request(client: Client, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)
    client.post("/portal/requests/new/", _form())
    client.post("/portal/requests/new/", _form())
    assert Ticket.objects.count() == 1


def test_bad_input_gets_a_message_per_field_and_saves_nothing(client: Client, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)
    response = client.post("/portal/requests/new/", _form(subject="", priority="9"))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"subject", "priority"}
    html_page = client.post(
        "/portal/requests/new/",
        _form(attachments=[SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>")]),
    )
    assert "attachments" in html_page.context["form"].errors
    assert not Ticket.objects.exists()


def test_colleagues_of_another_organisation_cannot_be_copied(
    client: Client, anna: Any, bertil: Any, agreement_a: Any
) -> None:
    client.force_login(anna)
    response = client.post("/portal/requests/new/", _form(cc=[bertil.contact.pk]))
    assert "cc" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_another_organisations_units_environments_and_colleagues_are_no_choice(
    client: Client, anna: Any, bertil: Any, agreement_a: Any, agreement_b: Any
) -> None:
    """Each choice is checked by the form, through anna's scope, before any service is asked."""
    ours = Environment.objects.create(organisation=anna.contact.organisation, name="Intranet")
    theirs = Environment.objects.create(organisation=bertil.contact.organisation, name="Lönesystem")
    agreement_a.environments.add(ours)
    agreement_b.environments.add(theirs)
    client.force_login(anna)
    page = client.get("/portal/requests/new/").content.decode()
    assert "Intranet" in page and "Lönesystem" not in page and "Ekonomi" not in page
    foreign = {"business_unit": bertil.contact.business_unit_id, "environment": theirs.pk, "cc": [bertil.contact.pk]}
    response = client.post("/portal/requests/new/", _form(**foreign))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"business_unit", "environment", "cc"}
    assert not Ticket.objects.exists()
    mine = {"business_unit": anna.contact.business_unit_id, "environment": ours.pk}
    assert client.post("/portal/requests/new/", _form(**mine)).status_code == 302
    assert Ticket.objects.get().environment == ours


def test_list_search_and_export_never_show_internal_notes(
    client: Client, anna: Any, agent: Any, agreement_a: Any
) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="=HYPERLINK(evil)", description="Printer")
    ticket_note(actor=agent, ticket=ticket, body="secret-word in a note")
    ticket_reply(actor=agent, ticket=ticket, body="public-word in a reply")
    client.force_login(anna)
    assert ticket.identifier in client.get("/portal/requests/", {"q": "public-word"}).content.decode()
    assert ticket.identifier not in client.get("/portal/requests/", {"q": "secret-word"}).content.decode()
    csv_text = client.get("/portal/requests/export.csv", {"status": "all"}).content.decode("utf-8-sig")
    assert ticket.identifier in csv_text
    assert "'=HYPERLINK(evil)" in csv_text  # a formula is neutralised for spreadsheets
    assert "secret-word" not in csv_text
    page = client.get(f"/portal/requests/{ticket.identifier}/").content.decode()
    assert "public-word" in page and "secret-word" not in page
    fragment = client.get(f"/portal/requests/{ticket.identifier}/timeline/").content.decode()
    assert "public-word" in fragment and "secret-word" not in fragment


def test_profile_language_and_mail_preference(client: Client, anna: Any) -> None:
    client.force_login(anna)
    response = client.post("/portal/profile/", {"full_name": "Anna A.", "language": "sv"})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.language == "sv" and not anna.mail_notifications and anna.full_name == "Anna A."
    assert '<html lang="sv">' in client.get("/portal/profile/").content.decode()
