"""Who hears of what: the customer side of staff replies and state changes, the staff of new and assigned
requests and of the customer's replies; never the actor, never of internal notes, never inactive people."""

from __future__ import annotations

from typing import Any

from django.core import mail

from tests.conftest import speaks
from tuki.accounts.services import contact_deactivate, staff_create
from tuki.tickets.models import Channel, State, Ticket
from tuki.tickets.services import ticket_assign, ticket_create, ticket_note, ticket_reply, ticket_transition


def recipients() -> list[str]:
    return [message.to[0] for message in mail.outbox]


def test_a_staff_reply_goes_to_the_requester_and_the_copies(
    request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=request_a, body="Kokeile nyt uudelleen.")
    assert recipients() == ["anna@org-a.example", "aaro@org-a.example"]
    assert all("Kokeile nyt uudelleen." in message.body for message in mail.outbox)
    assert all("Aino Agentti" in message.body for message in mail.outbox)


def test_an_internal_note_mails_nobody(request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_note(actor=agent, ticket=request_a, body="Asiakkaan palvelin on taas alhaalla.")
    assert mail.outbox == []


def test_the_customers_own_reply_mails_nobody_on_the_customer_side(
    request_a: Ticket, anna: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=anna, ticket=request_a, body="Lisätietoa: virhe tulee vain aamuisin.")
    # Nobody has the request, so the staff on duty hear (tests/mail/test_customer_replies.py); aaro, copied, does not.
    assert recipients() == ["manager@supplier.example", "agent@supplier.example"]


def test_a_state_change_goes_to_the_customer_side_but_not_to_who_made_it(
    request_a: Ticket, anna: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=anna, ticket=request_a, to=State.CANCELLED)
    # The staff on duty hear of the customer's move too (nobody has the request): see test_customer_replies.py.
    assert recipients() == ["manager@supplier.example", "aaro@org-a.example"]


def test_a_state_change_by_the_staff_reaches_everyone_on_the_customer_side(
    request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    assert recipients() == ["anna@org-a.example", "aaro@org-a.example"]


def test_deactivated_contacts_and_inactive_users_get_nothing(
    request_a: Ticket, anna: Any, aaro: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    contact_deactivate(contact=aaro)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=request_a, body="Korjattu.")
    assert recipients() == ["anna@org-a.example"]
    mail.outbox.clear()
    anna.is_active = False
    anna.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    assert mail.outbox == []


def test_a_new_request_goes_to_every_active_staff_member_on_duty(
    anna: Any, agent: Any, manager: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    manager.on_duty = False
    manager.save(update_fields=["on_duty"])
    away = staff_create(email="away@supplier.example", full_name="Ari Poissa")
    away.is_active = False
    away.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=anna, requester=anna.contact, subject="Raportti ei aukea", description="Virhe 500")
    assert recipients() == ["agent@supplier.example"]
    body = mail.outbox[0].body
    assert "Anna Asiakas (Org A Oy)" in body and "Virhe 500" in body
    assert f"/desk/requests/{ticket.identifier}/" in body


def test_a_phone_request_is_confirmed_to_the_caller_but_not_to_the_agent(
    anna: Any, agent: Any, manager: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=agent, requester=anna.contact, subject="Puhelu: tulostus", channel=Channel.PHONE)
    assert sorted(recipients()) == ["anna@org-a.example", "manager@supplier.example"]


def test_a_new_request_already_assigned_when_the_mail_goes_goes_to_the_assignee_only(
    anna: Any, agent: Any, manager: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        ticket = ticket_create(actor=anna, requester=anna.contact, subject="Varmuuskopio")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=manager)
    for callback in callbacks:
        callback()
    assert recipients() == ["manager@supplier.example"]


def test_an_assignment_goes_to_the_new_assignee_unless_they_took_it_themselves(
    request_a: Ticket, agent: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(actor=manager, ticket=request_a, assignee=agent)
    assert recipients() == ["agent@supplier.example"]
    assert "Maija Manageri" in mail.outbox[0].body
    assert f"/desk/requests/{request_a.identifier}/" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(actor=manager, ticket=request_a, assignee=manager)
    assert mail.outbox == []


def test_each_mail_is_in_its_readers_language(
    request_a: Ticket, anna: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    speaks(anna, "sv")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    by_reader = {message.to[0]: message for message in mail.outbox}
    swedish, finnish = by_reader["anna@org-a.example"], by_reader["aaro@org-a.example"]
    assert swedish.extra_headers["Content-Language"] == "sv"
    assert "Löst" in swedish.body
    assert finnish.extra_headers["Content-Language"] == "fi"
    assert "Ratkaistu" in finnish.body


def test_contacts_get_the_portal_link(request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=request_a, body="Hei")
    assert all(f"/portal/requests/{request_a.identifier}/" in message.body for message in mail.outbox)
    assert not any("/desk/" in message.body for message in mail.outbox)
