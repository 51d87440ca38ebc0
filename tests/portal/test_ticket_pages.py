"""Requests with their SLA clocks on the portal and the desk, and nothing of another organisation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import speaks
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_create


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    return ticket_create(
        actor=anna, requester=anna.contact, subject="Intranet is slow", now=timezone.now() - timedelta(hours=1)
    )


def test_contact_sees_the_sla_clocks_of_her_request(client: Client, anna: Any, request_a: Ticket) -> None:
    client.force_login(speaks(anna, "en"))
    html = client.get(f"/portal/requests/{request_a.identifier}/").content.decode()
    assert "Intranet is slow" in html
    assert "Response time" in html
    assert "Resolution time" in html
    assert "How the deadline is reached" in html
    dashboard = client.get("/portal/").content.decode()
    assert request_a.identifier in dashboard
    assert "sla-badge" in dashboard


def test_other_organisation_gets_404_everywhere(client: Client, bertil: Any, request_a: Ticket) -> None:
    client.force_login(bertil)
    assert client.get(f"/portal/requests/{request_a.identifier}/").status_code == 404
    response = client.post(f"/portal/requests/{request_a.identifier}/reply/", {"body": "hi"})
    assert response.status_code == 404
    assert request_a.identifier not in client.get("/portal/").content.decode()
    assert request_a.events.filter(kind="reply").count() == 0


def test_malformed_identifiers_are_404(client: Client, anna: Any, request_a: Ticket) -> None:
    client.force_login(anna)
    for identifier in ("SR-x", "XX-1", "1", "SR-", "SR-99999"):
        assert client.get(f"/portal/requests/{identifier}/").status_code == 404


def test_customer_can_cancel_but_not_start_work(client: Client, anna: Any, request_a: Ticket) -> None:
    client.force_login(anna)
    url = f"/portal/requests/{request_a.identifier}/transition/"
    client.post(url, {"to": "in_progress"})
    request_a.refresh_from_db()
    assert request_a.state == State.NEW
    client.post(url, {"to": "cancelled"})
    request_a.refresh_from_db()
    assert request_a.state == State.CANCELLED


def test_a_button_the_page_never_shows_is_refused_in_words(client: Client, anna: Any, request_a: Ticket) -> None:
    client.force_login(speaks(anna, "en"))
    url = f"/portal/requests/{request_a.identifier}/transition/"
    for state in ("nowhere", "", "in_progress"):
        response = client.post(url, {"to": state}, follow=True)
        assert response.status_code == 200
        assert "That action is not possible." in response.content.decode()
    request_a.refresh_from_db()
    assert request_a.state == State.NEW and request_a.events.count() == 1


def test_agent_sees_the_request_on_the_desk_and_works_it(client: Client, agent: Any, request_a: Ticket) -> None:
    client.force_login(speaks(agent, "en"))
    assert request_a.identifier in client.get("/desk/").content.decode()
    page = client.get(f"/desk/requests/{request_a.identifier}/").content.decode()
    assert "How the deadline is reached" in page
    url = f"/desk/requests/{request_a.identifier}/"
    client.post(url + "reply/", {"body": "We are on it."})
    client.post(url + "transition/", {"to": "waiting_for_customer"})
    request_a.refresh_from_db()
    assert request_a.first_responded_at is not None
    assert request_a.state == State.WAITING
    assert "Paused" in client.get(f"/desk/requests/{request_a.identifier}/").content.decode()


def test_forbidden_transition_shows_a_clear_message(client: Client, agent: Any, request_a: Ticket) -> None:
    client.force_login(speaks(agent, "en"))
    response = client.post(
        f"/desk/requests/{request_a.identifier}/transition/",
        {"to": "closed"},
        follow=True,
    )
    assert "cannot move from" in response.content.decode()


def test_contact_reads_the_agreement(
    client: Client, anna: Any, agreement_a: Any, bertil: Any, agreement_b: Any
) -> None:
    client.force_login(speaks(anna, "en"))
    html = client.get("/portal/agreement/").content.decode()
    assert "Org A Oy" in html
    assert "Org B Ab" not in html
    assert "08:00–16:00" in html  # a 24-hour clock in English too
    assert "4 h" in html  # the critical resolution time
