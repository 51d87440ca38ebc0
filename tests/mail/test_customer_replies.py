"""A customer's answer reaches someone: the assignee, or, while nobody has the request, every agent on duty.

Through the real ways in (the portal's reply form and an incoming mail) and out (a real SMTP server).
"""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from tests.mail.conftest import Collector
from tests.mail.messages import mail
from tuki.accounts.models import User
from tuki.accounts.services import staff_create, user_update_preferences
from tuki.mail.intake.entry import intake
from tuki.mail.models import InboundSource
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_assign, ticket_transition

pytestmark = pytest.mark.usefixtures("mail_media")


@pytest.fixture
def olli(db: Any) -> User:
    """An agent who is off duty: hears only of what is theirs."""
    olli = staff_create(email="olli@supplier.example", full_name="Olli Vapaalla", password=PASSWORD)
    return user_update_preferences(actor=olli, user=olli, language="fi", on_duty=False, sla_digest=False)


def _recipients(server: Collector) -> list[str]:
    return sorted(address for envelope in server.envelopes for address in envelope.rcpt_tos)


def _portal_reply(anna: Any, ticket: Ticket, text: str) -> None:
    client = Client()
    client.force_login(anna)
    response = client.post(f"/portal/requests/{ticket.identifier}/reply/", {"body": text})
    assert response.status_code == 302


def _mail_reply(ticket: Ticket, text: str) -> None:
    intake(mail(subject=f"Re: [{ticket.identifier}] {ticket.subject}", text=text), source=InboundSource.PIPE)


@pytest.mark.parametrize("reply", [_portal_reply, _mail_reply], ids=["portal", "mail"])
def test_a_reply_on_an_unassigned_request_reaches_the_agents_on_duty(
    reply: Any,
    request_a: Ticket,
    anna: Any,
    agent: Any,
    manager: Any,
    olli: User,
    smtp_server: Collector,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        if reply is _portal_reply:
            _portal_reply(anna, request_a, "Virheilmoitus on nyt liitteenä.")
        else:
            _mail_reply(request_a, "Virheilmoitus on nyt liitteenä.")

    # The copied colleague (aaro) hears nothing of a customer's own reply; the off-duty agent neither.
    assert _recipients(smtp_server) == ["agent@supplier.example", "manager@supplier.example"]
    message = message_from_bytes(smtp_server.envelopes[0].content, policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Virheilmoitus on nyt liitteenä." in text.get_content()
    assert f"/desk/requests/{request_a.identifier}/" in text.get_content()


@pytest.mark.parametrize("reply", [_portal_reply, _mail_reply], ids=["portal", "mail"])
def test_a_reply_on_an_assigned_request_reaches_only_its_assignee(
    reply: Any,
    request_a: Ticket,
    anna: Any,
    agent: Any,
    manager: Any,
    olli: User,
    smtp_server: Collector,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket_assign(actor=manager, ticket=request_a, assignee=olli)  # off duty, but it is theirs
    with django_capture_on_commit_callbacks(execute=True):
        if reply is _portal_reply:
            _portal_reply(anna, request_a, "Kiitos, odotan.")
        else:
            _mail_reply(request_a, "Kiitos, odotan.")

    assert _recipients(smtp_server) == ["olli@supplier.example"]


def test_a_reply_reaches_those_on_duty_when_the_assignee_has_left(
    request_a: Ticket,
    anna: Any,
    agent: Any,
    manager: Any,
    olli: User,
    smtp_server: Collector,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket_assign(actor=manager, ticket=request_a, assignee=olli)
    User.objects.filter(pk=olli.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        _portal_reply(anna, request_a, "Onko tähän tulossa vastausta?")
    assert _recipients(smtp_server) == ["agent@supplier.example", "manager@supplier.example"]


def test_the_customers_reopening_reaches_the_assignee_and_their_answer_to_a_wait_mails_the_staff_once(
    request_a: Ticket,
    anna: Any,
    agent: Any,
    manager: Any,
    olli: User,
    smtp_server: Collector,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket_assign(actor=manager, ticket=request_a, assignee=olli)
    ticket_transition(actor=olli, ticket=request_a, to=State.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        _portal_reply(anna, request_a, "Tässä pyydetyt tiedot.")  # and so back to work, by the same act
    assert _recipients(smtp_server) == ["aaro@org-a.example", "olli@supplier.example"]

    ticket_transition(actor=olli, ticket=request_a, to=State.RESOLVED)
    smtp_server.envelopes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=anna, ticket=request_a, to=State.REOPENED)
    assert _recipients(smtp_server) == ["aaro@org-a.example", "olli@supplier.example"]
    to_olli = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["olli@supplier.example"])
    text = message_from_bytes(to_olli.content, policy=policy.default).get_body(preferencelist=("plain",))
    assert text is not None and "Avattu uudelleen" in text.get_content()
