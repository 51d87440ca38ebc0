"""Retries of one escalation racing each other through the API: one request, every call answered with it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from tests.api.conftest import Api, token_for
from tuki.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 4


def test_concurrent_filings_with_one_reference_make_one_request(anna: Any, agreement_a: Any) -> None:
    token = token_for(anna)
    start = threading.Barrier(THREADS)
    answers: list[Any] = [None] * THREADS

    def escalate(number: int) -> None:
        try:
            start.wait()
            response = Api(token).post("/requests", {"subject": "Printer on fire", "external_reference": "INC-7"})
            answers[number] = (response.status_code, response.json()["id"])
        except Exception as exc:  # reported below
            answers[number] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=escalate, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a for a in answers if isinstance(a, Exception)] == []
    assert Ticket.objects.count() == 1
    identifier = Ticket.objects.get().identifier
    assert sorted(status for status, _id in answers) == [200] * (THREADS - 1) + [201]
    assert {found for _status, found in answers} == {identifier}
