"""The desk's pages cost the same number of SQL queries however many requests, events, files and pauses exist.

A queue page or a request page whose query count grows with the data (an N+1) is slow at a million requests;
bench/desk.py measures the real times.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tuki.tickets.models import SlaPause, State, Ticket
from tuki.tickets.services import ticket_assign, ticket_create, ticket_note, ticket_reply, ticket_transition

# Ceilings as well as constancy: each query costs about a millisecond of the page's time (bench/desk.py).
# Two of them are the login: the user, and the device that verified the session (django-otp). The count of
# quarantined mail in the navigation, whether an agent without a verified session has a device that should
# have, and the customers and environments the queue's filters offer are kept per process (tuki.core.versioned)
# and cost no query.
QUEUE_PAGE_QUERIES = 3
# 5, and one more when any event carries files, as here; and one for the request's minutes by kind. A request with
# an estimate costs one more (its estimate, with who proposed and decided it), and so does an agent who has timers
# (the one on this request, and the one running elsewhere that starting here would pause): ESTIMATE_AND_TIMER_QUERIES.
REQUEST_PAGE_QUERIES = 7
ESTIMATE_AND_TIMER_QUERIES = REQUEST_PAGE_QUERIES + 2


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "application/pdf")


def _worked(agent: Any, anna: Any, number: int, rounds: int = 1) -> Ticket:
    """An assigned request, waiting for the customer, after ``rounds`` of questions and answers with files.

    Every round adds a reply and an answer with an attachment each, an internal note and an SLA pause.
    """
    ticket = ticket_create(actor=anna, requester=anna.contact, subject=f"Request {number}", priority=1 + number % 4)
    ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    ticket_transition(actor=agent, ticket=ticket, to=State.IN_PROGRESS)
    for turn in range(rounds):
        ticket_reply(actor=agent, ticket=ticket, body=f"Could you send log {turn}?", files=[_pdf(f"ask-{turn}.pdf")])
        ticket_transition(actor=agent, ticket=ticket, to=State.WAITING)
        ticket_reply(actor=anna, ticket=ticket, body=f"Here is log {turn}.", files=[_pdf(f"log-{turn}.pdf")])
        ticket_note(actor=agent, ticket=ticket, body=f"Log {turn} read.")
    ticket_transition(actor=agent, ticket=ticket, to=State.WAITING)
    return ticket


def _queries(client: Client, path: str) -> list[str]:
    client.get(path)  # the first request fills per-process caches (SLA calendars, templates)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_queue_pages_cost_the_same_queries_for_3_and_30_requests(
    client: Client, agent: Any, anna: Any, agreement_a: Any
) -> None:
    tickets = [_worked(agent, anna, number) for number in range(3)]
    client.force_login(agent)
    organisation = anna.contact.organisation_id
    pages = {
        "default": "/desk/",
        "filtered": f"/desk/?queue=all&organisation={organisation}&assignee={agent.pk}&sort=newest",
    }
    few = {name: _queries(client, path) for name, path in pages.items()}
    tickets += [_worked(agent, anna, number) for number in range(3, 30)]
    many = {name: _queries(client, path) for name, path in pages.items()}

    for name, path in pages.items():
        assert len(many[name]) == len(few[name]), (name, many[name])
        assert len(many[name]) <= QUEUE_PAGE_QUERIES, (name, many[name])
        html = client.get(path).content.decode()
        assert all(f">{ticket.identifier}</a>" in html for ticket in tickets), name


def test_request_page_costs_the_same_queries_however_long_its_history(
    client: Client, agent: Any, anna: Any, agreement_a: Any
) -> None:
    short = _worked(agent, anna, 1)
    long = _worked(agent, anna, 2, rounds=6)
    assert long.events.count() > 3 * short.events.count()
    assert long.attachments.count() == 12 and SlaPause.objects.filter(ticket=long).count() == 7
    client.force_login(agent)

    few = _queries(client, f"/desk/requests/{short.identifier}/")
    many = _queries(client, f"/desk/requests/{long.identifier}/")

    assert len(many) == len(few), many
    assert len(many) <= REQUEST_PAGE_QUERIES, many
