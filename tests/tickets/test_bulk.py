"""The worker's writes on many requests: each request claimed under a lock, what changed skipped, the rest done."""

from __future__ import annotations

import gc
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.workers import run_in_workers
from tuki.tickets.bulk import tickets_close_resolved, tickets_recompute_deadlines
from tuki.tickets.models import EventKind, State, Ticket, TicketEvent
from tuki.tickets.services import ticket_create, ticket_transition

HKI = ZoneInfo("Europe/Helsinki")


def hki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HKI)  # type: ignore[misc]


def _resolved(anna: Any, agent: Any, count: int) -> list[Ticket]:
    tickets = []
    for number in range(count):
        ticket = ticket_create(
            actor=anna, requester=anna.contact, subject=f"Fault {number}", priority=3, now=hki(2027, 12, 1, 9)
        )
        tickets.append(ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=hki(2027, 12, 1, 10)))
    return tickets


@pytest.mark.django_db(transaction=True)
def test_two_workers_close_each_request_once(anna: Any, agent: Any, agreement_a: Any) -> None:
    tickets = _resolved(anna, agent, 20)
    # A worker that stopped on a request closed by the other one would fail here.
    counts, failures = run_in_workers(lambda: tickets_close_resolved(now=hki(2027, 12, 20, 9)))
    assert not failures
    assert sum(counts) == len(tickets)
    assert set(Ticket.objects.values_list("state", flat=True)) == {State.CLOSED}
    closings = TicketEvent.objects.filter(kind=EventKind.TRANSITION, data__to=State.CLOSED)
    assert closings.count() == len(tickets)


def test_a_request_reopened_and_resolved_again_waits_for_its_new_window(
    anna: Any, agent: Any, agreement_a: Any
) -> None:
    [ticket] = _resolved(anna, agent, 1)
    ticket = ticket_transition(actor=anna, ticket=ticket, to=State.REOPENED, now=hki(2027, 12, 10, 9))
    ticket = ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=hki(2027, 12, 10, 12))
    assert tickets_close_resolved(now=hki(2027, 12, 20, 9)) == 0  # 14 days from 1 Dec have passed, not from 10 Dec
    assert tickets_close_resolved(now=hki(2027, 12, 24, 13)) == 1


def test_recomputing_skips_resolved_requests_and_other_agreements(
    anna: Any, agent: Any, agreement_a: Any, bertil: Any, agreement_b: Any
) -> None:
    open_a = ticket_create(actor=anna, requester=anna.contact, subject="Open", priority=2, now=hki(2027, 12, 7, 8))
    [closed_a] = _resolved(anna, agent, 1)
    open_b = ticket_create(actor=bertil, requester=bertil.contact, subject="B", priority=2, now=hki(2027, 12, 7, 8))
    Ticket.objects.filter(pk__in=[open_a.pk, closed_a.pk, open_b.pk]).update(resolution_due=None)

    assert tickets_recompute_deadlines(agreement_id=agreement_a.pk, now=hki(2027, 12, 7, 9)) == 1

    open_a.refresh_from_db()
    closed_a.refresh_from_db()
    open_b.refresh_from_db()
    assert open_a.resolution_due is not None
    assert closed_a.resolution_due is None and open_b.resolution_due is None


@pytest.mark.parametrize(
    "job",
    [
        lambda agreement: tickets_recompute_deadlines(agreement_id=agreement.pk, now=hki(2027, 12, 2, 9)),
        lambda agreement: tickets_close_resolved(now=hki(2027, 12, 20, 9)),
    ],
    ids=["recompute", "close"],
)
def test_a_bulk_job_leaves_none_of_its_rows_for_the_garbage_collector(
    anna: Any, agent: Any, agreement_a: Any, job: Any
) -> None:
    # Rows held in reference cycles (a prefetched pause points back at its request) outlive the batch until the
    # collector runs: two worker threads each holding batches grew the job worker by 30 MB.
    for ticket in _resolved(anna, agent, 3)[:2]:
        ticket_transition(actor=anna, ticket=ticket, to=State.REOPENED, now=hki(2027, 12, 1, 11))
    gc.collect()
    gc.disable()
    try:
        before = sum(isinstance(thing, Ticket) for thing in gc.get_objects())
        job(agreement_a)
        left = sum(isinstance(thing, Ticket) for thing in gc.get_objects()) - before
    finally:
        gc.enable()
    assert left == 0
