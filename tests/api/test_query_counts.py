"""Listing and reading cost the same number of queries for one row as for many."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import Api
from tuki.tickets.services import ticket_note, ticket_reply

pytestmark = pytest.mark.django_db


def queries(api: Api, path: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, **params).status_code == 200
    return len(captured)


def file(api: Api, n: int) -> str:
    return str(api.post("/requests", {"subject": f"Request {n}", "external_reference": f"R{n}"}).json()["id"])


@pytest.mark.parametrize("caller", ["as_anna", "as_agent"])
def test_the_list_costs_the_same_for_one_request_and_for_many(caller: str, as_anna: Api, request: Any) -> None:
    api = request.getfixturevalue(caller)
    file(as_anna, 0)
    api.get("/requests")  # the first call of a process fills its caches (agreements, translations)
    one = queries(api, "/requests")
    for n in range(1, 12):
        file(as_anna, n)
    assert queries(api, "/requests") == one
    assert queries(api, "/requests", q="request") <= one + 2  # the search itself


def test_reading_costs_the_same_for_a_short_and_a_long_history(as_anna: Api, anna: Any, agent: Any) -> None:
    from tests.api.conftest import pdf
    from tuki.tickets.models import Ticket

    identifier = file(as_anna, 0)
    as_anna.get(f"/requests/{identifier}")
    short = queries(as_anna, f"/requests/{identifier}")
    ticket = Ticket.objects.get()
    for n in range(8):
        ticket_reply(actor=anna, ticket=ticket, body=f"Reply {n}", files=[pdf(f"{n}.pdf")] if n % 2 else [])
        ticket_note(actor=agent, ticket=ticket, body=f"Note {n}")
    # One query more once any event carries files (their attachments, all in one).
    assert queries(as_anna, f"/requests/{identifier}") <= short + 1
    assert queries(as_anna, f"/requests/{identifier}/events") <= short + 1
