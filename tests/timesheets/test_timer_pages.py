"""The timer and the time on the desk's request page: plain forms that work without scripts, the time by kind, the
estimate with its state, and a page whose queries do not grow with the time logged."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import speaks
from tests.desk.test_query_counts import ESTIMATE_AND_TIMER_QUERIES, REQUEST_PAGE_QUERIES
from tests.timesheets.conftest import NOW
from tuki.accounts.services import staff_create
from tuki.tickets.services import ticket_create
from tuki.timesheets.models import TimeEntry, Timer
from tuki.timesheets.services import (
    estimate_approve,
    estimate_propose,
    time_entry_log,
    timer_start,
    timer_stop,
)

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 17)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(client: Any, agent: Any, clock: Any) -> Any:
    client.force_login(speaks(agent, "en"))
    return client


def request_page(client: Any, ticket: Any) -> str:
    response = client.get(f"/desk/requests/{ticket.identifier}/")
    assert response.status_code == 200
    return response.content.decode()


def test_start_reload_pause_stop_and_log(desk: Any, clock: Any, agent: Any, request_a: Any) -> None:
    text = request_page(desk, request_a)
    assert f'action="/desk/requests/{request_a.identifier}/timer/"' in text and "Start the timer" in text
    response = desk.post(
        f"/desk/requests/{request_a.identifier}/timer/",
        {"start-kind": "maintenance", "start-description": "Raportin korjaus"},
        follow=True,
    )
    assert "The timer is running." in response.content.decode()
    timer = Timer.objects.get()

    clock.shift(timedelta(minutes=7, seconds=5))
    text = request_page(desk, request_a)  # a reload: the server still knows
    assert "data-timer-running" in text and ">0:07:05</time>" in text and 'datetime="PT425S"' in text
    assert f'action="/desk/timers/{timer.pk}/pause/"' in text and f'action="/desk/timers/{timer.pk}/stop/"' in text

    desk.post(f"/desk/timers/{timer.pk}/pause/")
    clock.shift(timedelta(hours=1))  # paused: this hour does not count
    text = request_page(desk, request_a)
    assert "Paused" in text and ">0:07:05</time>" in text and "data-timer-running" not in text
    assert f'action="/desk/timers/{timer.pk}/resume/"' in text

    response = desk.post(f"/desk/timers/{timer.pk}/stop/", follow=True)
    text = response.content.decode()
    assert "The timer is stopped at 0 h 08 min." in text
    assert f'action="/desk/timers/{timer.pk}/log/"' in text
    assert 'name="timer-minutes" value="8"' in text and 'value="2027-03-17"' in text
    assert '<option value="maintenance" selected>' in text and "Raportin korjaus" in text

    response = desk.post(
        f"/desk/timers/{timer.pk}/log/",
        {
            "timer-day": "2027-03-17",
            "timer-minutes": "10",
            "timer-kind": "maintenance",
            "timer-description": "Raportin korjaus",
            "timer-internal_note": "Indeksi",
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"/desk/requests/{request_a.identifier}/", 302)]
    text = response.content.decode()
    assert f"0 h 10 min logged on {request_a.identifier}." in text
    assert not Timer.objects.exists()
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.kind, entry.author, entry.internal_note) == (10, "maintenance", agent, "Indeksi")
    assert re.search(r"<dt>Maintenance</dt><dd>0 h 10 min</dd>", text)
    assert "Start the timer" in text  # a new one may start


def test_a_refused_entry_shows_why_and_keeps_the_timer(desk: Any, clock: Any, agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a)
    clock.shift(timedelta(minutes=3))
    timer_stop(actor=agent, timer=timer)
    response = desk.post(
        f"/desk/timers/{timer.pk}/log/", {"timer-day": "2027-03-18", "timer-minutes": "3", "timer-kind": "help_desk"}
    )
    assert response.status_code == 400
    assert "Time can be logged only for today or earlier days." in response.content.decode()
    assert Timer.objects.get().state == "stopped" and not TimeEntry.objects.exists()
    log_page = desk.get(f"/desk/timers/{timer.pk}/log/")
    assert 'name="timer-minutes" value="3"' in log_page.content.decode()


def test_a_zero_length_stop_is_told(desk: Any, agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a)
    response = desk.post(f"/desk/timers/{timer.pk}/stop/", follow=True)
    assert "nothing to log; discard it instead." in response.content.decode()
    assert Timer.objects.get().state == "running"


def test_discard(desk: Any, agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a)
    response = desk.post(f"/desk/timers/{timer.pk}/discard/", follow=True)
    assert "discarded; nothing was logged." in response.content.decode()
    assert not Timer.objects.exists() and not TimeEntry.objects.exists()


def test_another_agents_timer_cannot_be_stopped(client: Any, clock: Any, agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a)
    clock.shift(timedelta(minutes=2))
    colleague = staff_create(email="colleague@supplier.example", full_name="Kalle Kollega", language="en")
    client.force_login(colleague)
    response = client.post(f"/desk/timers/{timer.pk}/stop/", follow=True)
    assert "This timer is Aino Agentti&#x27;s; only they can pause, stop or log it." in response.content.decode()
    assert Timer.objects.get().state == "running"
    # Their own page of the request offers them a timer of their own.
    assert "Start the timer" in request_page(client, request_a)


def test_the_page_says_where_the_timer_runs_and_starting_here_pauses_it(
    desk: Any, agent: Any, anna: Any, request_a: Any
) -> None:
    other = ticket_create(actor=anna, requester=anna.contact, subject="Toinen vika")
    elsewhere, _ = timer_start(actor=agent, ticket=other)
    text = request_page(desk, request_a)
    assert f'Your timer is running on <a href="/desk/requests/{other.identifier}/">{other.identifier}</a>' in text
    response = desk.post(f"/desk/requests/{request_a.identifier}/timer/", {"start-kind": "help_desk"}, follow=True)
    assert f"Your timer on {other.identifier} is paused." in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.state == "paused"


def test_a_kind_the_agreement_does_not_allow_is_not_offered(
    desk: Any, agent: Any, bertil: Any, agreement_b: Any
) -> None:
    ticket = ticket_create(actor=bertil, requester=bertil.contact, subject="Ingen kvot")
    text = request_page(desk, ticket)
    start_form = text.split('class="timer-start"')[1].split("</form>")[0]
    assert 'value="help_desk"' in start_form and 'value="maintenance"' not in start_form
    response = desk.post(f"/desk/requests/{ticket.identifier}/timer/", {"start-kind": "maintenance"}, follow=True)
    assert "Select a valid choice." in response.content.decode() and not Timer.objects.exists()


def test_the_request_page_shows_time_by_kind_and_the_estimate(desk: Any, agent: Any, anna: Any, request_a: Any) -> None:
    for minutes, kind in ((45, "help_desk"), (90, "maintenance"), (30, "maintenance")):
        time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=minutes, kind=kind)
    estimate = estimate_propose(actor=agent, ticket=request_a, basis="hours", minutes=600, description="Uusi raportti")
    text = request_page(desk, request_a)
    assert "<dt>Help desk / on-call services</dt><dd>0 h 45 min</dd>" in text
    assert "<dt>Maintenance</dt><dd>2 h 00 min</dd>" in text
    assert "<dt>Additional work</dt><dd>0 h 00 min</dd>" in text
    assert "<strong>2 h 45 min</strong>" in text
    assert "Waiting for approval" in text and "950.00 €" in text and "Aino Agentti" in text
    assert f'href="/desk/requests/{request_a.identifier}/time/"' in text

    estimate_approve(actor=anna, estimate=estimate, version=1)
    estimate_propose(actor=agent, ticket=request_a, basis="fixed", amount=Decimal("1200.00"), description="Isompi")
    estimate.refresh_from_db()
    estimate_approve(actor=anna, estimate=estimate, version=2)
    time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=60, kind="additional")
    text = request_page(desk, request_a)
    assert "<dt>Additional work</dt><dd>1 h 00 min</dd>" in text
    assert "Approved</span>" in text and "replaces version 1, superseded" in text
    assert "<dd>Anna Asiakas, 17/03/2027 12:00: 1200.00 €</dd>" in text


def test_no_estimate_is_said(desk: Any, request_a: Any) -> None:
    assert "No estimate has been made for this request." in request_page(desk, request_a)


def _count(client: Any, ticket: Any) -> int:
    client.get(f"/desk/requests/{ticket.identifier}/")
    with CaptureQueriesContext(connection) as captured:
        request_page(client, ticket)
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_however_much_time_is_logged(
    desk: Any, agent: Any, anna: Any, request_a: Any
) -> None:
    other = ticket_create(actor=anna, requester=anna.contact, subject="Toinen vika")
    time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=5, kind="help_desk")
    few = _count(desk, request_a)
    for number in range(20):
        time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=5 + number, kind="maintenance")
    estimate_propose(actor=agent, ticket=request_a, basis="hours", minutes=60, description="Lisätyö")
    timer_start(actor=agent, ticket=other)
    timer_start(actor=agent, ticket=request_a)
    many = _count(desk, request_a)
    assert few <= REQUEST_PAGE_QUERIES and many == few + 2 <= ESTIMATE_AND_TIMER_QUERIES  # the estimate; the timers
    for number in range(5):
        time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=30 + number, kind="maintenance")
    assert _count(desk, request_a) == many


def test_customers_reach_no_timer(client: Any, agent: Any, anna: Any, bertil: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a)
    for person in (anna, bertil):
        client.force_login(person)
        assert (
            client.post(f"/desk/requests/{request_a.identifier}/timer/", {"start-kind": "help_desk"}).status_code == 404
        )
        for move in ("pause", "stop", "discard", "log"):
            assert client.post(f"/desk/timers/{timer.pk}/{move}/").status_code == 404
        assert client.get(f"/desk/timers/{timer.pk}/log/").status_code == 404
        assert client.get(f"/desk/requests/{request_a.identifier}/").status_code == 404
        assert request_a.identifier not in client.get("/portal/quota/").content.decode() or person == anna
    assert Timer.objects.get().state == "running"
