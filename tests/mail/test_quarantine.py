"""The desk's quarantine: mail from a contact's address whose sender could not be verified waits there, listed
with its reason; an agent accepts it (filed as if verified, the decision in the request's history) or rejects it
(kept, nothing filed). The buttons are POST forms with CSRF; the page speaks Finnish, Swedish and English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import speaks
from tests.mail.messages import mail
from tuki.mail.intake.desk import inbound_accept, inbound_reject
from tuki.mail.intake.entry import intake
from tuki.mail.models import InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import EventKind, State, Ticket
from tuki.tickets.services import ticket_transition

pytestmark = pytest.mark.usefixtures("mail_media")


@pytest.fixture
def held(anna: Any, agreement_a: Any) -> InboundMessage:
    raw = mail(sender="Anna Asiakas <anna@org-a.example>", subject="Tulostin", authenticated=False)
    record = InboundMessage.objects.get(pk=intake(raw, source=InboundSource.PIPE).inbound_id)
    assert record.status == InboundStatus.UNVERIFIED
    return record


@pytest.fixture
def agent_client(client: Client, agent: Any) -> Client:
    client.force_login(speaks(agent, "en"))
    return client


def test_the_quarantine_lists_the_message_with_its_reason_and_the_navigation_counts_it(
    agent_client: Client, held: InboundMessage
) -> None:
    page = agent_client.get("/desk/mail/quarantine/").content.decode()
    assert "Anna Asiakas" in page and "anna@org-a.example" in page and "Tulostin" in page
    assert "sender not verified: no Authentication-Results from mx.tuki.test" in page
    assert f'action="/desk/mail/{held.pk}/accept/"' in page and f'action="/desk/mail/{held.pk}/reject/"' in page
    assert page.count("csrfmiddlewaretoken") >= 2
    home = agent_client.get("/desk/").content.decode()
    assert 'href="/desk/mail/quarantine/"' in home and "1 message waiting" in home


@pytest.mark.parametrize(("language", "text"), [("fi", "Karanteeni"), ("sv", "Karantän"), ("en", "Quarantine")])
def test_the_quarantine_speaks_the_agents_language(
    client: Client, agent: Any, held: InboundMessage, language: str, text: str
) -> None:
    client.force_login(speaks(agent, language))
    page = client.get("/desk/mail/quarantine/").content.decode()
    assert f"<h1>{text}</h1>" in page


def test_accepting_files_the_mail_and_records_the_agents_decision(
    agent_client: Client, agent: Any, anna: Any, held: InboundMessage
) -> None:
    response = agent_client.post(f"/desk/mail/{held.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == "/desk/mail/quarantine/"
    held.refresh_from_db()
    assert held.status == InboundStatus.ACCEPTED and held.handled_by == agent
    assert held.reason.startswith(f"accepted by {agent.email}")
    ticket = Ticket.objects.get()
    assert held.ticket == ticket and ticket.requester == anna.contact
    note = ticket.events.get(kind=EventKind.NOTE)
    assert note.actor == agent and not note.public and "anna@org-a.example" in note.body
    assert "0 messages waiting" in agent_client.get("/desk/").content.decode()


def test_an_accepted_reply_moves_the_request_as_a_verified_one_would(
    agent: Any, anna: Any, request_a: Ticket, django_capture_on_commit_callbacks: Any
) -> None:
    ticket_transition(actor=agent, ticket=request_a, to=State.IN_PROGRESS)
    ticket_transition(actor=agent, ticket=request_a, to=State.WAITING)
    raw = mail(subject=f"Re: [{request_a.identifier}] Kirjautuminen", text="Nyt toimii.", authenticated=False)
    record = InboundMessage.objects.get(pk=intake(raw, source=InboundSource.PIPE).inbound_id)
    request_a.refresh_from_db()
    assert record.status == InboundStatus.UNVERIFIED and request_a.state == State.WAITING
    with django_capture_on_commit_callbacks(execute=False):
        record = inbound_accept(actor=agent, inbound=record)
    request_a.refresh_from_db()
    assert record.status == InboundStatus.REPLIED and request_a.state == State.IN_PROGRESS
    assert request_a.events.filter(kind=EventKind.REPLY, actor=anna).exists()
    assert request_a.events.filter(kind=EventKind.NOTE, actor=agent).exists()


def test_rejecting_keeps_the_mail_and_files_nothing(agent_client: Client, agent: Any, held: InboundMessage) -> None:
    raw = held.raw.read()
    assert agent_client.post(f"/desk/mail/{held.pk}/reject/").status_code == 302
    held.refresh_from_db()
    assert held.status == InboundStatus.REJECTED and held.handled_by == agent and held.ticket is None
    assert held.reason.startswith(f"rejected by {agent.email}")
    assert held.raw.open("rb").read() == raw
    assert not Ticket.objects.exists()
    # Decided once: neither button works again.
    with pytest.raises(Exception, match="could not be verified"):
        inbound_accept(actor=agent, inbound=held)
    with pytest.raises(Exception, match="could not be verified"):
        inbound_reject(actor=agent, inbound=held)


def test_the_buttons_need_post_csrf_and_the_staff(agent: Any, anna: Any, held: InboundMessage) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.get(f"/desk/mail/{held.pk}/accept/").status_code == 405
    assert strict.post(f"/desk/mail/{held.pk}/accept/").status_code == 403  # no CSRF token
    assert strict.post(f"/desk/mail/{held.pk}/reject/").status_code == 403
    contact = Client()
    contact.force_login(anna)
    assert contact.get("/desk/mail/quarantine/").status_code == 404
    assert contact.post(f"/desk/mail/{held.pk}/accept/").status_code == 404
    held.refresh_from_db()
    assert held.status == InboundStatus.UNVERIFIED and not Ticket.objects.exists()
