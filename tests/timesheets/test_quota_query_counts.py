"""Ceilings on the SQL queries of the quota's two busiest pages, as well as constancy: the desk's overview of every
customer and a customer's "Quota and costs" page cost the same few queries however many customers, entries,
corrections, closed periods and estimates there are (bench/quota.py measures the times at 2,000,000 entries).

Each query costs about a millisecond of the page's time. The figures come from the running totals, not from the
entries; the agreements, their last closings and the closed periods' sums are kept per process.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import TARGETS
from tests.timesheets.conftest import NOW
from tests.timesheets.test_overview import additional
from tuki.accounts.services import business_unit_create, contact_create, organisation_create
from tuki.agreements.services import agreement_save
from tuki.tickets.services import ticket_create
from tuki.timesheets.services import (
    estimate_approve,
    estimate_propose,
    period_close,
    time_entry_correct,
    time_entry_log,
)

pytestmark = pytest.mark.django_db

# The user; the ids of the agreements the user may see; the period's running totals; the estimates waiting and the
# additional work not yet invoiced, per customer. A manager's page costs one more: the device that verified the
# session (django-otp).
OVERVIEW_QUERIES = 5
# The user; the agreement in force; the estimates waiting; the agreement's running totals; a page of entries; the
# period's additional work by request, and when there is some, the cost splits of those requests. A customer
# manager's minutes by kind are the period's totals (no query); a contact limited to their own requests costs one
# more aggregate.
PORTAL_QUOTA_QUERIES = 7
OVERVIEW = "/desk/quota/?period=2027-03-17"
PORTAL = "/portal/quota/?period=2027-03-17"


@pytest.fixture(autouse=True)
def _in_march_2027() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _queries(client: Client, path: str) -> int:
    client.get(path)  # the first request fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def _busy_customer(manager: Any, agent: Any, office_hours: Any, number: int) -> None:
    """A customer that carries unused hours over, with January closed, entries and corrections (one of them late),
    additional work split between two units, and an estimate waiting."""
    organisation = organisation_create(name=f"Org Q{number} Oy", business_id=f"444444{number}-4")
    agreement = agreement_save(
        actor=manager,
        organisation=organisation,
        service_calendar=office_hours,
        targets=TARGETS,
        valid_from=date(2027, 1, 1),
        quota_hours=Decimal(10),
        carry_over="capped",
        carry_over_cap_hours=Decimal(4),
        hourly_rate=Decimal(100),
    )
    carl = contact_create(
        organisation=organisation, email=f"q{number}@org-q.example", full_name="Carl", customer_manager=True
    )
    units = [business_unit_create(organisation=organisation, name=name) for name in ("Talous", "Myynti")]
    ticket = ticket_create(actor=carl.user, requester=carl, subject="Työ", now=NOW)
    january = time_entry_log(actor=agent, ticket=ticket, day=date(2027, 1, 5), minutes=300, kind="maintenance", now=NOW)
    period_close(actor=manager, agreement=agreement, period_start=date(2027, 1, 1), now=NOW)
    time_entry_correct(actor=agent, entry=january, reason="Väärin", minutes=30, now=NOW)
    for day in range(1, 6):
        entry = time_entry_log(
            actor=agent, ticket=ticket, day=date(2027, 3, day), minutes=50, kind="maintenance", now=NOW
        )
        time_entry_log(actor=agent, ticket=ticket, day=date(2027, 3, day), minutes=20, kind="help_desk", now=NOW)
    time_entry_correct(actor=agent, entry=entry, reason="Liikaa", now=NOW)
    estimate = estimate_propose(actor=agent, ticket=ticket, basis="hours", minutes=600, description="Työ", now=NOW)
    split = {units[0].pk: 60, units[1].pk: 40}
    estimate_approve(actor=carl.user, estimate=estimate, version=estimate.version, split=split, now=NOW)
    time_entry_log(actor=agent, ticket=ticket, day=date(2027, 3, 10), minutes=45, kind="additional", now=NOW)
    waiting = ticket_create(actor=carl.user, requester=carl, subject="Odottaa", now=NOW)
    estimate_propose(actor=agent, ticket=waiting, basis="hours", minutes=60, description="Arvio", now=NOW)


def test_the_overview_stays_within_its_ceiling(
    client: Any, agent: Any, manager: Any, anna: Any, request_a: Any, office_hours: Any
) -> None:
    additional(agent, anna, request_a, 30)
    _busy_customer(manager, agent, office_hours, 0)
    client.force_login(agent)
    few = _queries(client, OVERVIEW)
    for number in range(1, 4):
        _busy_customer(manager, agent, office_hours, number)
    assert _queries(client, OVERVIEW) == few <= OVERVIEW_QUERIES
    client.force_login(manager)
    assert _queries(client, OVERVIEW) <= OVERVIEW_QUERIES + 1


def test_the_portal_page_stays_within_its_ceiling(
    client: Any, agent: Any, anna: Any, request_a: Any, unit_a: Any
) -> None:
    client.force_login(anna)
    few = _queries(client, PORTAL)
    assert few <= PORTAL_QUOTA_QUERIES - 1  # no additional work: no cost splits to read
    sales = business_unit_create(organisation=anna.contact.organisation, name="Sales")
    estimate = estimate_propose(actor=agent, ticket=request_a, basis="hours", minutes=120, description="Työ", now=NOW)
    estimate_approve(actor=anna, estimate=estimate, version=1, split={unit_a.pk: 60, sales.pk: 40}, now=NOW)
    for day in range(1, 16):
        entry = time_entry_log(actor=agent, ticket=request_a, day=date(2027, 3, day), minutes=9, kind="maintenance")
        time_entry_correct(actor=agent, entry=entry, reason="Korjaus", minutes=1, now=NOW)
        time_entry_log(actor=agent, ticket=request_a, day=date(2027, 3, day), minutes=5, kind="additional", now=NOW)
        ticket = ticket_create(actor=anna, requester=anna.contact, subject=f"Pyyntö {day}", now=NOW)
        estimate_propose(actor=agent, ticket=ticket, basis="hours", minutes=60, description="Arvio", now=NOW)
    assert _queries(client, PORTAL) == PORTAL_QUOTA_QUERIES
