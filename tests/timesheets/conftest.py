"""A request of org A and one of org B, on a Wednesday in March 2027 in Helsinki."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create

HKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2027, 3, 17, 12, tzinfo=HKI)


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    return ticket_create(actor=anna, requester=anna.contact, subject="Raportti ei aukea", now=NOW)


@pytest.fixture
def request_b(bertil: Any, agreement_b: Any) -> Ticket:
    return ticket_create(actor=bertil, requester=bertil.contact, subject="Rapporten öppnas inte", now=NOW)
