"""Request identifiers: SR-<n>, unique, also when many requests are filed at once; a double submit files one."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection

from tuki.tickets.models import Ticket
from tuki.tickets.selectors import ticket_pk_from_identifier
from tuki.tickets.services import ticket_create

THREADS = 4
PER_THREAD = 25


def _in_threads(count: int, work: Any) -> list[Any]:
    """Run ``work(n)`` in ``count`` threads started together; what each returned or raised, in thread order."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(number: int) -> None:
        try:
            start.wait()
            results[number] = work(number)
        except Exception as exc:  # reported by the caller
            results[number] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_identifiers_look_like_sr_n_and_differ(anna: Any, agreement_a: Any) -> None:
    tickets = [ticket_create(actor=anna, requester=anna.contact, subject=f"Request {i}") for i in range(3)]
    identifiers = [t.identifier for t in tickets]
    assert all(re.fullmatch(r"SR-[1-9][0-9]*", identifier) for identifier in identifiers)
    assert len(set(identifiers)) == 3
    assert [ticket_pk_from_identifier(i) for i in identifiers] == [t.pk for t in tickets]


@pytest.mark.django_db(transaction=True)
def test_concurrent_filing_gives_distinct_identifiers(anna: Any, agreement_a: Any) -> None:
    contact = anna.contact

    def file_requests(number: int) -> list[str]:
        return [
            ticket_create(actor=anna, requester=contact, subject=f"Thread {number} request {i}").identifier
            for i in range(PER_THREAD)
        ]

    results = _in_threads(THREADS, file_requests)

    assert [r for r in results if isinstance(r, Exception)] == []
    identifiers = [identifier for batch in results for identifier in batch]
    assert len(identifiers) == THREADS * PER_THREAD
    assert len(set(identifiers)) == THREADS * PER_THREAD
    assert Ticket.objects.count() == THREADS * PER_THREAD


def test_double_submit_files_one_request(anna: Any, agreement_a: Any) -> None:
    first = ticket_create(actor=anna, requester=anna.contact, subject="Printer on fire", submission_key="form-1")
    second = ticket_create(actor=anna, requester=anna.contact, subject="Printer on fire", submission_key="form-1")
    assert second.pk == first.pk
    assert Ticket.objects.count() == 1
    assert first.events.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_files_one_request(anna: Any, agreement_a: Any) -> None:
    contact = anna.contact

    def submit(number: int) -> int:
        return ticket_create(actor=anna, requester=contact, subject="Printer on fire", submission_key="form-2").pk

    results = _in_threads(2, submit)

    assert Ticket.objects.count() == 1
    assert results == [Ticket.objects.get().pk] * 2
