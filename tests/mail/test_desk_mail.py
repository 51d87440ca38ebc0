"""Inbound mail on the agents' desk: list and filters, a detail page that never renders the mail's HTML,
the original as a download, retry of quarantined mail and filing refused mail for a named contact."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import speaks
from tests.mail.messages import EXE, PDF, PNG, mail
from tuki.mail.intake.entry import intake
from tuki.mail.models import InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import Channel, Ticket

pytestmark = pytest.mark.usefixtures("mail_media")


def take(raw: bytes) -> InboundMessage:
    return InboundMessage.objects.get(pk=intake(raw, source=InboundSource.PIPE).inbound_id)


@pytest.fixture
def agent_client(client: Client, agent: Any) -> Client:
    # The assertions read English text: this agent has chosen English (Finnish is the default).
    client.force_login(speaks(agent, "en"))
    return client


@pytest.fixture
def refused(db: Any) -> InboundMessage:
    raw = mail(
        sender="Kalle Käyttäjä <kalle@stranger.example>",
        subject="Palvelin kaatui",
        text="Hei, <b>palvelin</b> kaatui taas.",
        html="<p>Hei, palvelin kaatui taas.</p><script>alert('xss')</script><img src=x onerror=alert(1)>",
        attachments=[("loki.pdf", "application/pdf", PDF), ("kuva.png", "image/png", PNG)],
    )
    return take(raw)


def test_only_the_staff_see_the_mail_pages(client: Client, anna: Any, refused: InboundMessage) -> None:
    urls = ["/desk/mail/", f"/desk/mail/{refused.pk}/", f"/desk/mail/{refused.pk}/raw/"]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login
    client.force_login(anna)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(f"/desk/mail/{refused.pk}/retry/").status_code == 404
    assert client.post(f"/desk/mail/{refused.pk}/request/", {"requester": anna.contact.pk}).status_code == 404
    assert not Ticket.objects.exists()


def test_the_list_filters_by_status(
    agent_client: Client, anna: Any, agreement_a: Any, refused: InboundMessage, settings: Any
) -> None:
    take(mail(subject="Hyväksytty pyyntö"))
    take(mail(subject="Poissaoloviesti", headers={"Auto-Submitted": "auto-replied"}))
    settings.TUKI_MAIL_PARSE_SECONDS = 0
    take(mail(subject="Jumissa"))
    settings.TUKI_MAIL_PARSE_SECONDS = 5
    page = agent_client.get("/desk/mail/").content.decode()
    for subject in ("Palvelin kaatui", "Hyväksytty pyyntö", "Poissaoloviesti"):
        assert subject in page
    refused_page = agent_client.get("/desk/mail/?status=refused").content.decode()
    assert "Palvelin kaatui" in refused_page and "Hyväksytty pyyntö" not in refused_page
    ignored_page = agent_client.get("/desk/mail/?status=ignored").content.decode()
    assert "Poissaoloviesti" in ignored_page and "Palvelin kaatui" not in ignored_page
    quarantined = agent_client.get("/desk/mail/?status=quarantined").content.decode()
    assert "Jumissa" in quarantined
    assert "Palvelin kaatui" not in quarantined and "Hyväksytty pyyntö" not in quarantined
    # An unknown status is not an error, just everything.
    assert "Palvelin kaatui" in agent_client.get("/desk/mail/?status=<script>").content.decode()
    assert agent_client.get("/desk/mail/?page=x").status_code == 200


def test_the_nav_links_to_the_mail(agent_client: Client) -> None:
    assert 'href="/desk/mail/"' in agent_client.get("/desk/").content.decode()


def test_the_detail_shows_text_and_headers_and_never_the_mail_html(
    agent_client: Client, refused: InboundMessage
) -> None:
    response = agent_client.get(f"/desk/mail/{refused.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Palvelin kaatui" in page and "kalle@stranger.example" in page
    assert "Hei, &lt;b&gt;palvelin&lt;/b&gt; kaatui taas." in page  # the text, escaped
    assert "<script>alert" not in page and "onerror" not in page and "<b>palvelin" not in page
    assert "loki.pdf" in page and "kuva.png" in page
    assert "message-id" in page  # the headers
    assert "Create a request for a contact" in page


def test_the_original_downloads_with_nosniff(agent_client: Client, refused: InboundMessage) -> None:
    response = agent_client.get(f"/desk/mail/{refused.pk}/raw/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="message-{refused.pk}.eml"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == refused.raw.open("rb").read()  # type: ignore[attr-defined]


def test_an_agent_files_a_refused_mail_for_a_contact(
    agent_client: Client, agent: Any, anna: Any, agreement_a: Any, refused: InboundMessage
) -> None:
    response = agent_client.post(f"/desk/mail/{refused.pk}/request/", {"requester": anna.contact.pk})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == f"/desk/requests/{ticket.identifier}/"
    assert ticket.requester == anna.contact and ticket.channel == Channel.EMAIL
    assert ticket.subject == "Palvelin kaatui"
    assert "palvelin</b> kaatui taas." in ticket.description and "kalle@stranger.example" in ticket.description
    assert sorted(ticket.attachments.values_list("name", flat=True)) == ["kuva.png", "loki.pdf"]
    refused.refresh_from_db()
    assert refused.status == InboundStatus.ACCEPTED and refused.ticket == ticket and refused.handled_by == agent
    # Not twice.
    again = agent_client.post(f"/desk/mail/{refused.pk}/request/", {"requester": anna.contact.pk})
    assert again.status_code == 302 and Ticket.objects.count() == 1


def test_filing_for_a_contact_without_agreement_is_refused(
    agent_client: Client, bertil: Any, refused: InboundMessage
) -> None:
    response = agent_client.post(f"/desk/mail/{refused.pk}/request/", {"requester": bertil.contact.pk})
    assert response.status_code == 200  # the form again: org B has no agreement here
    assert not Ticket.objects.exists()
    refused.refresh_from_db()
    assert refused.status == InboundStatus.REFUSED


def test_a_refused_file_type_is_skipped_when_filing(agent_client: Client, anna: Any, agreement_a: Any, db: Any) -> None:
    record = take(mail(sender="kalle@stranger.example", attachments=[("virus.exe", "application/octet-stream", EXE)]))
    agent_client.post(f"/desk/mail/{record.pk}/request/", {"requester": anna.contact.pk})
    ticket = Ticket.objects.get()
    assert not ticket.attachments.exists() and "virus.exe" in ticket.description


def test_an_agent_retries_a_quarantined_mail(agent_client: Client, anna: Any, agreement_a: Any, settings: Any) -> None:
    settings.TUKI_MAIL_PARSE_SECONDS = 0
    record = take(mail(subject="Jumissa"))
    assert record.status == InboundStatus.QUARANTINED
    page = agent_client.get(f"/desk/mail/{record.pk}/").content.decode()
    assert "Retry" in page and "ParseTimeout" in page
    settings.TUKI_MAIL_PARSE_SECONDS = 5
    response = agent_client.post(f"/desk/mail/{record.pk}/retry/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == InboundStatus.ACCEPTED and record.ticket is not None
    assert record.ticket.subject == "Jumissa" and record.ticket.requester == anna.contact
    # Retrying what is no longer quarantined changes nothing.
    agent_client.post(f"/desk/mail/{record.pk}/retry/")
    assert Ticket.objects.count() == 1


def test_an_oversized_mail_shows_its_headers_only(agent_client: Client, settings: Any, db: Any) -> None:
    settings.TUKI_MAIL_MAX_BYTES = 2000
    record = take(mail(subject="Iso", attachments=[("iso.pdf", "application/pdf", PDF + b"0" * 5000)]))
    assert record.status == InboundStatus.OVERSIZED
    page = agent_client.get(f"/desk/mail/{record.pk}/").content.decode()
    assert "Iso" in page and "over the size limit" in page and "iso.pdf" not in page
    assert agent_client.get(f"/desk/mail/{record.pk}/raw/").status_code == 200


def test_retry_and_filing_need_post(agent_client: Client, refused: InboundMessage) -> None:
    assert agent_client.get(f"/desk/mail/{refused.pk}/retry/").status_code == 405
    assert agent_client.get(f"/desk/mail/{refused.pk}/request/").status_code == 405
