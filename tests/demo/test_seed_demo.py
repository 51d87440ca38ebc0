from __future__ import annotations

import base64
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP

from tuki.accounts.models import BusinessUnit, Contact, Organisation, User
from tuki.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tuki.demo.requests import FIRST_ANSWER
from tuki.reports.figures.period import add_months
from tuki.reports.presentation import summary
from tuki.reports.services import report_make
from tuki.tickets.models import EventKind, Ticket, TicketEvent


def _counts() -> tuple[int, int, int, int]:
    return (Organisation.objects.count(), BusinessUnit.objects.count(), Contact.objects.count(), User.objects.count())


def test_seed_demo_builds_the_demo_world_and_is_idempotent(db: Any) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    assert first[0] == 3
    assert User.objects.filter(role="agent").count() == 2
    assert User.objects.filter(role="manager").count() == 1
    for organisation in Organisation.objects.all():
        assert organisation.business_units.exists()
        assert organisation.contacts.filter(is_customer_manager=True).count() == 1
    assert "agent@tuki.example" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()

    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first


def test_seed_demo_fills_in_what_is_missing(db: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    User.objects.filter(email="ville@tuki.example").delete()
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.filter(email="ville@tuki.example").exists()


def test_if_empty_leaves_an_existing_database_alone(db: Any) -> None:
    User.objects.create_user("someone@example.com", "pw-1234567890", full_name="Someone")
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    assert Organisation.objects.count() == 0


def test_demo_logins_work(db: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    for email in ("anna@asiakas-a.example", "agent@tuki.example", "manager@tuki.example"):
        client = Client()
        response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_demo_requests_say_what_is_wrong_and_are_answered_in_the_customers_language(db: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    tickets = Ticket.objects.select_related("requester__user")
    assert tickets.exists()
    for ticket in tickets:
        assert ticket.description, ticket.subject
        answers = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLY, actor__role="agent")
        for answer in answers:
            assert answer.body == FIRST_ANSWER[ticket.requester.user.language]
    english = tickets.filter(requester__user__email="cecilia@cedar.example")
    assert TicketEvent.objects.filter(ticket__in=english, body__startswith="Thank you").count() == english.count() == 2


def test_the_demo_manager_logs_in_with_the_published_key(db: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.post("/accounts/login/", {"username": "manager@tuki.example", "password": DEMO_PASSWORD})
    assert client.get("/desk/").url.startswith("/accounts/two-step/verify/")
    code = TOTP(base64.b32decode(DEMO_TOTP_SECRET.replace(" ", ""))).token()
    assert client.post("/accounts/two-step/verify/", {"code": f"{code:06d}"}).status_code == 302
    assert client.get("/desk/").status_code == 200
    # The agents log in with the password alone while TUKI_MFA_REQUIRED_FOR_AGENTS is off.
    agent = Client()
    agent.post("/accounts/login/", {"username": "agent@tuki.example", "password": DEMO_PASSWORD})
    assert agent.get("/desk/").status_code == 200


def test_last_months_report_of_a_demo_customer_tells_of_a_month(db: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    organisation = Contact.objects.get(user__email="anna@asiakas-a.example").organisation
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    figures = report_make(organisation=organisation, month=last_month).figures
    assert figures["requests"]["opened"] == figures["requests"]["resolved"] == 3
    assert summary(figures).startswith("3 ")  # "3 pyyntöä, ...": the month in words, not zeros
    # The answer that took 30 hours: its response target missed, and with it the resolution's.
    assert {row["subject"] for row in figures["sla"]["breaches"]} == {"Raportti näyttää väärät summat"}
