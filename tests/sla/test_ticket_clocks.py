"""SLA clocks on stored requests: deadlines on the row, pauses, priority changes, reopening, on-call."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tuki.agreements.services import calendar_save
from tuki.sla.clock import SlaState
from tuki.sla.explain import clock_views
from tuki.tickets.deadlines import sla_status, stored_state
from tuki.tickets.lifecycle import TransitionError
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import (
    ticket_create,
    ticket_merge,
    ticket_reply,
    ticket_set_priority,
    ticket_transition,
)

HKI = ZoneInfo("Europe/Helsinki")


def hki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HKI)  # type: ignore[misc]


@pytest.fixture
def friday_request(anna: Any, agreement_a: Any) -> Ticket:
    # Friday 3 Dec 2027 15:30; Monday 6 Dec 2027 is Independence Day. High priority: 1 h / 8 h.
    return ticket_create(
        actor=anna, requester=anna.contact, subject="Intranet is slow", priority=2, now=hki(2027, 12, 3, 15, 30)
    )


def test_deadlines_are_stored_on_the_row(friday_request: Ticket) -> None:
    friday_request.refresh_from_db()
    # 30 min on Friday, weekend, Independence Day, then Tuesday from 08:00.
    assert friday_request.first_response_due == hki(2027, 12, 7, 8, 30)
    assert friday_request.resolution_due == hki(2027, 12, 7, 15, 30)
    assert friday_request.resolution_warn_at == hki(2027, 12, 7, 13, 30)


def test_explanation_names_the_weekend_and_the_holiday(friday_request: Ticket) -> None:
    with translation.override("en"):
        statuses = sla_status(friday_request, hki(2027, 12, 3, 16), "en")
        views = clock_views(statuses, friday_request.created_at)
    response = views[0]
    text = [(line.what, line.counted) for line in response.lines]
    assert text[0][0] == "Received"
    assert text[1] == ("Service hours", "30 min counted (15:30–16:00)")  # a 24-hour clock in English too
    assert text[2][0] == "No service hours on this weekday"
    assert text[3][0] == "Public holiday: Independence Day"
    assert text[4][1] == "30 min counted (08:00–08:30)"
    assert text[-1][0] == "Due"


def test_explanation_in_finnish(friday_request: Ticket) -> None:
    with translation.override("fi"):
        views = clock_views(sla_status(friday_request, hki(2027, 12, 3, 16), "fi"), friday_request.created_at)
    assert any("Itsenäisyyspäivä" in line.what for line in views[0].lines)
    assert views[0].lines[1].counted == "30 min laskettu (15.30–16.00)"


def test_waiting_for_the_customer_pauses_and_resumes(friday_request: Ticket, agent: Any, anna: Any) -> None:
    ticket = ticket_transition(actor=agent, ticket=friday_request, to=State.IN_PROGRESS, now=hki(2027, 12, 3, 15, 40))
    ticket_reply(actor=agent, ticket=ticket, body="Which page?", now=hki(2027, 12, 3, 15, 45))
    ticket = ticket_transition(actor=agent, ticket=ticket, to=State.WAITING, now=hki(2027, 12, 3, 15, 50))
    assert ticket.resolution_due is None  # paused: the deadline moves when work resumes
    assert stored_state(ticket, hki(2027, 12, 9))[0] is SlaState.PAUSED
    # The customer answers the next Wednesday at 10:00: 20 min were used, 7 h 40 min are left.
    ticket_reply(actor=anna, ticket=ticket, body="The front page.", now=hki(2027, 12, 8, 10))
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
    assert ticket.resolution_due == hki(2027, 12, 9, 9, 40)
    reading = sla_status(ticket, hki(2027, 12, 8, 12))[1].reading
    assert reading.state is SlaState.RUNNING
    assert reading.left == timedelta(hours=5, minutes=40)


def test_first_reply_meets_the_response_target(friday_request: Ticket, agent: Any) -> None:
    ticket_reply(actor=agent, ticket=friday_request, body="Looking into it.", now=hki(2027, 12, 3, 15, 50))
    friday_request.refresh_from_db()
    response = sla_status(friday_request, hki(2027, 12, 10))[0]
    assert response.reading.state is SlaState.MET


def test_priority_change_midway_recomputes_from_the_start(friday_request: Ticket, agent: Any) -> None:
    ticket = ticket_set_priority(actor=agent, ticket=friday_request, priority=3, now=hki(2027, 12, 7, 9))
    # Normal: 4 h response, 16 h resolution from Friday 15:30.
    assert ticket.first_response_due == hki(2027, 12, 7, 11, 30)
    assert ticket.resolution_due == hki(2027, 12, 8, 15, 30)


def test_critical_faults_run_on_the_on_call_calendar(anna: Any, agreement_a: Any) -> None:
    ticket = ticket_create(
        actor=anna, requester=anna.contact, subject="Production down", priority=1, now=hki(2027, 12, 4, 23)
    )
    # Saturday 23:00 + 4 h around the clock.
    assert ticket.resolution_due == hki(2027, 12, 5, 3)


def test_critical_without_on_call_uses_service_hours(bertil: Any, agreement_b: Any) -> None:
    ticket = ticket_create(actor=bertil, requester=bertil.contact, subject="Nere", priority=1, now=hki(2027, 12, 4, 23))
    assert ticket.resolution_due == hki(2027, 12, 7, 12)


def test_reopen_continues_the_clock_and_has_a_window(friday_request: Ticket, agent: Any, anna: Any) -> None:
    ticket = ticket_transition(actor=agent, ticket=friday_request, to=State.IN_PROGRESS, now=hki(2027, 12, 7, 8))
    ticket = ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=hki(2027, 12, 7, 10))
    assert stored_state(ticket, hki(2027, 12, 7, 11))[0] is SlaState.MET
    # 30 min Friday + 2 h Tuesday used; reopened Thursday 9 Dec 12:00 with 5 h 30 min left.
    ticket = ticket_transition(actor=anna, ticket=ticket, to=State.REOPENED, now=hki(2027, 12, 9, 12))
    assert ticket.resolution_due == hki(2027, 12, 10, 9, 30)
    ticket = ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=hki(2027, 12, 9, 13))
    with pytest.raises(TransitionError, match="umpeutunut"):
        ticket_transition(actor=anna, ticket=ticket, to=State.REOPENED, now=hki(2027, 12, 30))


def test_contact_cannot_make_agent_transitions(friday_request: Ticket, anna: Any, bertil: Any) -> None:
    with pytest.raises(TransitionError):
        ticket_transition(actor=anna, ticket=friday_request, to=State.IN_PROGRESS)
    with pytest.raises(TransitionError):
        ticket_transition(actor=bertil, ticket=friday_request, to=State.CANCELLED)
    with pytest.raises(TransitionError, match="ei voi siirtää"):
        ticket_transition(actor=anna, ticket=friday_request, to=State.CLOSED)


def test_calendar_change_recomputes_open_deadlines(
    friday_request: Ticket, manager: Any, office_hours: Any, django_capture_on_commit_callbacks: Any
) -> None:
    longer_days = [(day, time(8), time(18)) for day in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        calendar_save(actor=manager, name="Office hours", weekly=longer_days, calendar=office_hours)
    friday_request.refresh_from_db()
    # 2 h 30 min on Friday (15:30-18:00), then Tuesday 08:00 + 5 h 30 min.
    assert friday_request.resolution_due == hki(2027, 12, 7, 13, 30)


def test_resolved_requests_close_by_themselves_after_the_window(friday_request: Ticket, agent: Any) -> None:
    from tuki.tickets.bulk import tickets_close_resolved

    ticket = ticket_transition(actor=agent, ticket=friday_request, to=State.RESOLVED, now=hki(2027, 12, 7, 9))
    assert tickets_close_resolved(now=hki(2027, 12, 20, 9)) == 0  # 13 days: still within the 14-day window
    assert tickets_close_resolved(now=hki(2027, 12, 21, 9)) == 1
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    assert ticket.events.filter(kind="transition", actor__isnull=True).count() == 1


def test_bulk_recompute_agrees_with_one_by_one(
    anna: Any, agent: Any, manager: Any, office_hours: Any, agreement_a: Any
) -> None:
    from tuki.tickets.deadlines import recompute_many, refresh_deadlines

    tickets = []
    for day in range(1, 25):
        ticket = ticket_create(
            actor=anna,
            requester=anna.contact,
            subject=f"Fault {day}",
            priority=1 + day % 4,
            now=hki(2027, 12, day, 7 + day % 9),
        )
        if day % 3 == 0:  # some with a pause behind them
            ticket = ticket_transition(actor=agent, ticket=ticket, to=State.WAITING, now=hki(2027, 12, day, 17))
            ticket = ticket_transition(actor=agent, ticket=ticket, to=State.IN_PROGRESS, now=hki(2027, 12, day + 2, 9))
        tickets.append(ticket)
    # Stale stored deadlines: the calendar changes (its own recomputation waits for a commit that never comes).
    calendar_save(
        actor=manager, name="Office hours", weekly=[(d, time(7), time(15)) for d in range(6)], calendar=office_hours
    )
    stored = Ticket.objects.filter(pk__in=[t.pk for t in tickets]).prefetch_related("pauses", "agreement__targets")
    recomputed = recompute_many(list(stored), hki(2027, 12, 1))
    assert sum(1 for _, fields in recomputed if "resolution_due" in fields) > 10
    bulk = {ticket.pk: ticket for ticket, _ in recomputed}
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).prefetch_related("pauses"):
        refresh_deadlines(ticket, hki(2027, 12, 1))
        mine = bulk[ticket.pk]
        assert (mine.first_response_due, mine.resolution_due, mine.resolution_warn_at) == (
            ticket.first_response_due,
            ticket.resolution_due,
            ticket.resolution_warn_at,
        )


def test_a_cancelled_request_has_no_sla_outcome_on_the_page_and_in_the_queue(
    friday_request: Ticket, anna: Any, agent: Any, client: Any
) -> None:
    # Cancelled within the response time, before anyone answered: it used to read "met" on its page.
    ticket = ticket_transition(actor=anna, ticket=friday_request, to=State.CANCELLED, now=hki(2027, 12, 3, 15, 45))
    later = hki(2027, 12, 20)
    assert [status.reading.state for status in sla_status(ticket, later)] == [SlaState.NO_OUTCOME] * 2
    assert stored_state(ticket, later) == (SlaState.NO_OUTCOME, None)
    client.force_login(agent)
    with translation.override("en"):
        page = client.get(f"/desk/requests/{ticket.identifier}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "sla-no_outcome" in page
    assert "sla-met" not in page and "sla-breached" not in page


def test_a_merged_duplicate_has_no_sla_outcome(friday_request: Ticket, anna: Any, agent: Any) -> None:
    duplicate = ticket_create(
        actor=anna, requester=anna.contact, subject="Intranet slow again", priority=2, now=hki(2027, 12, 3, 15, 40)
    )
    duplicate = ticket_merge(actor=agent, duplicate=duplicate, into=friday_request, now=hki(2027, 12, 3, 15, 50))
    assert stored_state(duplicate, hki(2027, 12, 20))[0] is SlaState.NO_OUTCOME
    assert {status.reading.state for status in sla_status(duplicate, hki(2027, 12, 20))} == {SlaState.NO_OUTCOME}
