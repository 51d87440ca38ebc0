"""The agent's timer: start, pause, resume, stop, then log or discard; one running per agent; refusals that say
what is wrong and change nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.timesheets.conftest import NOW
from tests.workers import run_in_workers
from tuki.accounts.services import staff_create
from tuki.core.scoping import visible_to
from tuki.tickets.services import ticket_create
from tuki.timesheets import stopwatch
from tuki.timesheets.models import TimeEntry, Timer
from tuki.timesheets.services import (
    timer_discard,
    timer_log,
    timer_pause,
    timer_resume,
    timer_start,
    timer_stop,
)

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 17)


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def refusal(call: Any, **kwargs: Any) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return " ".join(caught.value.messages)


@pytest.fixture
def colleague(db: Any) -> Any:
    return staff_create(email="colleague@supplier.example", full_name="Kalle Kollega")


@pytest.fixture
def second_request(anna: Any, request_a: Any) -> Any:
    return ticket_create(actor=anna, requester=anna.contact, subject="Toinen vika", now=NOW)


def test_elapsed_time_is_banked_runs_plus_the_current_one() -> None:
    assert stopwatch.elapsed_seconds(0, None, NOW) == 0
    assert stopwatch.elapsed_seconds(30, NOW, at(2)) == 150
    assert stopwatch.elapsed_seconds(30, at(5), NOW) == 30  # a clock set back takes nothing away
    assert stopwatch.elapsed_seconds(0, NOW, at(60 * 24 * 30)) == stopwatch.MAX_SECONDS


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (1, 1), (59, 1), (60, 1), (61, 2), (5400, 90)])
def test_minutes_are_rounded_up(seconds: int, minutes: int) -> None:
    assert stopwatch.minutes_to_log(seconds) == minutes


def test_start_pause_resume_stop_and_log(agent: Any, request_a: Any) -> None:
    timer, paused = timer_start(
        actor=agent, ticket=request_a, kind="maintenance", description=" Raportin korjaus ", now=NOW
    )
    assert paused is None and timer.state == "running" and timer.description == "Raportin korjaus"
    timer = timer_pause(actor=agent, timer=timer, now=at(10))
    assert (timer.state, timer.banked_seconds) == ("paused", 600)
    timer, _ = timer_resume(actor=agent, timer=timer, now=at(30))  # the pause does not count
    timer = timer_stop(actor=agent, timer=timer, now=at(35.5))
    assert (timer.state, timer.banked_seconds) == ("stopped", 930)
    assert stopwatch.minutes_to_log(timer.banked_seconds) == 16

    entry = timer_log(actor=agent, timer=timer, day=DAY, minutes=16, kind="maintenance", now=at(36))
    assert (entry.minutes, entry.kind, entry.author, entry.ticket) == (16, "maintenance", agent, request_a)
    assert not Timer.objects.exists()


def test_the_timer_lives_on_the_server(agent: Any, request_a: Any) -> None:
    """A reload or a new tab reads the same row: nothing of the timer is in the browser."""
    timer_start(actor=agent, ticket=request_a, now=NOW)
    again = Timer.objects.get(agent=agent, ticket=request_a)
    assert again.state == "running"
    assert stopwatch.elapsed_seconds(again.banked_seconds, again.running_since, at(3)) == 180


def test_starting_on_another_request_pauses_the_running_timer(agent: Any, request_a: Any, second_request: Any) -> None:
    first, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    second, paused = timer_start(actor=agent, ticket=second_request, now=at(4))
    assert paused is not None and paused.pk == first.pk
    first.refresh_from_db()
    assert (first.state, first.banked_seconds, second.state) == ("paused", 240, "running")
    # Resuming the first pauses the second in turn: one runs at a time.
    _, paused = timer_resume(actor=agent, timer=first, now=at(6))
    assert paused is not None and paused.pk == second.pk
    assert Timer.objects.filter(agent=agent, running_since__isnull=False).count() == 1


def test_agents_time_on_their_own(agent: Any, colleague: Any, request_a: Any) -> None:
    mine, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    theirs, paused = timer_start(actor=colleague, ticket=request_a, now=at(1))
    assert paused is None and mine.pk != theirs.pk
    assert Timer.objects.filter(running_since__isnull=False).count() == 2


def test_starting_a_paused_timer_resumes_it(agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    timer_pause(actor=agent, timer=timer, now=at(1))
    again, _ = timer_start(actor=agent, ticket=request_a, now=at(2))
    assert again.pk == timer.pk and again.state == "running" and again.banked_seconds == 60


def test_another_agents_timer_is_refused_and_unchanged(agent: Any, colleague: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    for move in (timer_pause, timer_stop, timer_discard):
        assert refusal(move, actor=colleague, timer=timer) == (
            "This timer is Aino Agentti's; only they can pause, stop or log it."
        )
    timer_stop(actor=agent, timer=timer, now=at(5))
    text = refusal(timer_log, actor=colleague, timer=timer, day=DAY, minutes=5, kind="help_desk", now=at(5))
    assert "only they can pause, stop or log it" in text
    assert Timer.objects.get().state == "stopped" and not TimeEntry.objects.exists()


def test_a_zero_length_stop_is_refused(agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    assert refusal(timer_stop, actor=agent, timer=timer, now=NOW) == (
        "The timer has not run for any time, so there is nothing to log; discard it instead."
    )
    assert Timer.objects.get().state == "running"


def test_moves_that_do_not_fit_the_state_are_refused(agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    assert refusal(timer_start, actor=agent, ticket=request_a, now=at(1)) == (
        "Your timer on this request is already running."
    )
    assert refusal(timer_resume, actor=agent, timer=timer, now=at(1)) == (
        "Your timer on this request is already running."
    )
    assert refusal(timer_log, actor=agent, timer=timer, day=DAY, minutes=1, kind="help_desk") == (
        "Stop the timer before logging its time."
    )
    timer_pause(actor=agent, timer=timer, now=at(1))
    assert refusal(timer_pause, actor=agent, timer=timer, now=at(2)) == "The timer is already paused."
    timer_stop(actor=agent, timer=timer, now=at(2))
    stopped = "The timer is stopped; log its time or discard it."
    assert refusal(timer_pause, actor=agent, timer=timer, now=at(3)) == stopped
    assert refusal(timer_resume, actor=agent, timer=timer, now=at(3)) == stopped
    assert refusal(timer_stop, actor=agent, timer=timer, now=at(3)) == (
        "The timer is already stopped; log its time or discard it."
    )
    assert refusal(timer_start, actor=agent, ticket=request_a, now=at(3)) == (
        "Log or discard the stopped time on this request before starting the timer again."
    )
    assert Timer.objects.get().banked_seconds == 60


def test_a_refused_entry_keeps_the_timer(agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    timer_stop(actor=agent, timer=timer, now=at(20))
    tomorrow = date(2027, 3, 18)
    text = refusal(timer_log, actor=agent, timer=timer, day=tomorrow, minutes=20, kind="additional", now=at(21))
    assert "only for today or earlier days" in text and "no estimate that the customer has approved" in text
    assert Timer.objects.get().state == "stopped" and not TimeEntry.objects.exists()


def test_discarding_logs_nothing_and_a_second_discard_is_told(agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a, now=NOW)
    timer_discard(actor=agent, timer=timer)
    assert not Timer.objects.exists() and not TimeEntry.objects.exists()
    assert refusal(timer_discard, actor=agent, timer=timer) == (
        "This timer no longer exists: its time was logged or discarded in another window."
    )


def test_contacts_start_no_timer_and_see_none(agent: Any, anna: Any, request_a: Any) -> None:
    assert refusal(timer_start, actor=anna, ticket=request_a, now=NOW) == (
        "Only the supplier's staff log time on support requests."
    )
    timer_start(actor=agent, ticket=request_a, now=NOW)
    assert not visible_to(anna, Timer).exists()
    assert visible_to(agent, Timer).count() == 1


def test_a_bad_kind_is_refused(agent: Any, request_a: Any) -> None:
    assert refusal(timer_start, actor=agent, ticket=request_a, kind="holiday", now=NOW) == "Choose the kind of work."
    assert not Timer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_at_once_leave_one_timer_running(agent: Any, request_a: Any, second_request: Any) -> None:
    tickets = iter([request_a, second_request])

    def start() -> int:
        timer, _ = timer_start(actor=agent, ticket=next(tickets))
        return timer.pk

    results, failures = run_in_workers(start)
    assert failures == [] and len(results) == 2
    assert Timer.objects.filter(agent=agent).count() == 2
    assert Timer.objects.filter(agent=agent, running_since__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_stops_at_once_one_stops_the_other_is_told(agent: Any, request_a: Any) -> None:
    timer, _ = timer_start(actor=agent, ticket=request_a, now=timezone.now() - timedelta(minutes=5))

    def stop() -> int:
        with translation.override("en"):
            timer_stop(actor=agent, timer=Timer.objects.get(pk=timer.pk))
        return 1

    results, failures = run_in_workers(stop)
    assert results == [1]
    assert len(failures) == 1 and "already stopped" in str(failures[0])
