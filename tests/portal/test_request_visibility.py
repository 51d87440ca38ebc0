"""The agreement decides whether a contact sees all of the customer's requests or only their own, their business
unit's and those copied to them; customer managers always see all.

Org A's people: anna (customer manager, Finance), veera (Finance), kalle (IT) and aaro (no business unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import TARGETS
from tuki.accounts.models import Contact, User
from tuki.accounts.services import business_unit_create, contact_create
from tuki.agreements.models import Agreement, ContactVisibility
from tuki.agreements.services import agreement_save
from tuki.core.scoping import visible_to
from tuki.handbook.models import Article, TicketArticle
from tuki.handbook.services import article_save, ticket_link_article
from tuki.tickets.lifecycle import TransitionError, role_of
from tuki.tickets.models import Attachment, State, Ticket, TicketEvent
from tuki.tickets.services import ticket_create, ticket_reply, ticket_transition

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fast_password_hashing_and_media(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Org:
    veera: User
    kalle: User
    aaro: User
    finance: Ticket  # anna's, for Finance
    it: Ticket  # kalle's, for IT, with a reply, an attachment and a handbook link
    copied: Ticket  # kalle's, for IT, copied to veera
    aaros: Ticket  # aaro's, no business unit
    veeras: Ticket  # veera's own

    def all(self) -> list[Ticket]:
        return [self.finance, self.it, self.copied, self.aaros, self.veeras]


@pytest.fixture
def org(org_a: Any, unit_a: Any, anna: User, aaro: Contact, agent: User, agreement_a: Agreement) -> Org:
    it_unit = business_unit_create(organisation=org_a, name="IT")
    veera = contact_create(organisation=org_a, email="veera@org-a.example", full_name="Veera", business_unit=unit_a)
    kalle = contact_create(organisation=org_a, email="kalle@org-a.example", full_name="Kalle", business_unit=it_unit)
    it = ticket_create(actor=kalle.user, requester=kalle, subject="Firewall rule for the VPN")
    ticket_reply(
        actor=agent,
        ticket=it,
        body="The zebra rule is in place.",
        files=[SimpleUploadedFile("rule.pdf", PDF, content_type="application/pdf")],
    )
    article = article_save(
        actor=agent, title="VPN guide", body="How to connect.", language="en", public_to_all=True, published=True
    )
    ticket_link_article(actor=agent, ticket=it, article=article)
    return Org(
        veera=veera.user,
        kalle=kalle.user,
        aaro=aaro.user,
        finance=ticket_create(actor=anna, requester=anna.contact, subject="Ledger export fails"),
        it=it,
        copied=ticket_create(actor=kalle.user, requester=kalle, subject="Printer queue stuck", cc=[veera]),
        aaros=ticket_create(actor=aaro.user, requester=aaro, subject="Password policy question"),
        veeras=ticket_create(actor=veera.user, requester=veera, subject="New user for the finance team"),
    )


def _show_only_their_own(agreement: Agreement, manager: User) -> None:
    agreement_save(
        actor=manager,
        agreement=agreement,
        organisation=agreement.organisation,
        service_calendar=agreement.service_calendar,
        targets=TARGETS,
        valid_from=agreement.valid_from,
        contact_visibility=ContactVisibility.OWN,
    )


def _listed(client: Client, url: str) -> set[str]:
    text = client.get(url).content.decode()
    return {ticket.subject for ticket in Ticket.objects.all() if ticket.subject in text}


def _subjects(*tickets: Ticket) -> set[str]:
    return {ticket.subject for ticket in tickets}


def test_the_default_is_the_whole_organisation(org: Org, agreement_a: Agreement) -> None:
    assert agreement_a.contact_visibility == ContactVisibility.ORGANISATION
    assert set(visible_to(org.aaro, Ticket)) == set(org.all())


def test_narrowed_a_contact_sees_their_own_their_units_and_their_copies(
    org: Org, agreement_a: Agreement, manager: User, anna: User
) -> None:
    _show_only_their_own(agreement_a, manager)
    assert set(visible_to(org.veera, Ticket)) == {org.finance, org.copied, org.veeras}
    assert set(visible_to(org.aaro, Ticket)) == {org.aaros}
    assert set(visible_to(org.kalle, Ticket)) == {org.it, org.copied}
    assert set(visible_to(anna, Ticket)) == set(org.all())  # the customer manager


def test_everything_hanging_off_a_hidden_request_is_hidden(
    org: Org, agreement_a: Agreement, manager: User, anna: User
) -> None:
    _show_only_their_own(agreement_a, manager)
    for model in (TicketEvent, Attachment, TicketArticle):
        assert not visible_to(org.veera, model).filter(ticket=org.it).exists(), model
        assert visible_to(anna, model).filter(ticket=org.it).exists(), model
        assert visible_to(org.kalle, model).filter(ticket=org.it).exists(), model
    assert visible_to(org.veera, Article).filter(title="VPN guide").exists()  # the article itself is public


def test_the_portal_follows_the_setting(
    client: Client, org: Org, agreement_a: Agreement, manager: User, anna: User
) -> None:
    client.force_login(org.veera)
    assert _listed(client, "/portal/requests/?status=all") == _subjects(*org.all())
    _show_only_their_own(agreement_a, manager)
    theirs = _subjects(org.finance, org.copied, org.veeras)
    assert _listed(client, "/portal/requests/?status=all") == theirs
    assert _listed(client, "/portal/requests/export.csv?status=all") == theirs
    assert org.it.subject not in client.get("/portal/").content.decode()
    assert _listed(client, "/portal/requests/?status=all&q=zebra") == set()
    attachment = org.it.attachments.get()
    for url in (
        f"/portal/requests/{org.it.identifier}/",
        f"/portal/requests/{org.it.identifier}/timeline/",
        f"/portal/requests/{org.it.identifier}/files/{attachment.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/portal/requests/{org.it.identifier}/reply/", {"body": "Me too"}).status_code == 404
    assert client.post(f"/portal/requests/{org.it.identifier}/transition/", {"to": "cancelled"}).status_code == 404
    assert not org.it.events.filter(actor=org.veera).exists()
    assert client.get(f"/portal/requests/{org.copied.identifier}/").status_code == 200

    client.force_login(anna)  # the customer manager still sees everything
    assert _listed(client, "/portal/requests/?status=all") == _subjects(*org.all())
    assert _listed(client, "/portal/requests/export.csv?status=all") == _subjects(*org.all())
    assert _listed(client, "/portal/requests/?status=all&q=zebra") == {org.it.subject}
    assert client.get(f"/portal/requests/{org.it.identifier}/files/{attachment.pk}/").status_code == 200


def test_a_request_out_of_sight_cannot_be_acted_on_through_the_service(
    org: Org, agreement_a: Agreement, manager: User
) -> None:
    _show_only_their_own(agreement_a, manager)
    assert role_of(org.aaro, org.it) is None
    with pytest.raises(PermissionDenied):
        ticket_reply(actor=org.aaro, ticket=org.it, body="Hello")
    with pytest.raises(PermissionDenied):
        ticket_reply(actor=org.aaro, ticket=org.finance, body="Hello")
    assert not TicketEvent.objects.filter(actor=org.aaro, kind="reply").exists()
    # Veera sees Finance's request as a colleague: she may reply to it, but not cancel it.
    ticket_reply(actor=org.veera, ticket=org.finance, body="Finance sees this too.")
    with pytest.raises(TransitionError, match="vastuuhenkilö"):
        ticket_transition(actor=org.veera, ticket=org.finance, to=State.CANCELLED)


def test_the_latest_started_agreement_governs(org: Org, agreement_a: Agreement, manager: User) -> None:
    _show_only_their_own(agreement_a, manager)
    agreement_a.valid_until = date(2026, 1, 31)
    agreement_a.save(update_fields=["valid_until"])
    assert org.it not in visible_to(org.veera, Ticket)  # a lapsed agreement still governs its customer's requests
    later = agreement_save(
        actor=manager,
        organisation=agreement_a.organisation,
        service_calendar=agreement_a.service_calendar,
        targets=TARGETS,
        valid_from=date(2999, 1, 1),
    )
    assert org.it not in visible_to(org.veera, Ticket)  # one that has not started does not yet
    later.valid_from = date(2026, 2, 1)
    later.save(update_fields=["valid_from"])
    assert org.it in visible_to(org.veera, Ticket)


def test_managers_edit_the_setting_in_the_admin(client: Client, manager: User, agreement_a: Agreement) -> None:
    client.force_login(manager)
    page = client.get(f"/admin/agreements/agreement/{agreement_a.pk}/change/").content.decode()
    assert 'name="contact_visibility"' in page
    assert "nimetyt yhteyshenkilöt näkevät" in page.lower()
    assert "Asiakkaan vastuuhenkilöt näkevät aina kaikki asiakkaan tukipyynnöt." in page


def test_contacts_read_the_setting_on_their_agreement_page(
    client: Client, org: Org, agreement_a: Agreement, manager: User
) -> None:
    _show_only_their_own(agreement_a, manager)
    client.force_login(org.veera)
    page = client.get("/portal/agreement/").content.decode()
    assert "Nimetyt yhteyshenkilöt näkevät" in page
    assert "Omat, oman liiketoimintayksikön ja heille tiedoksi lähetetyt tukipyynnöt" in page
