"""The desk's quota overview for a period: quota use, customers over 80 %, estimates waiting for the customer,
additional work not yet invoiced; in a constant number of queries, however many customers and entries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import TARGETS
from tests.timesheets.conftest import NOW
from tuki.accounts.services import contact_create, organisation_create
from tuki.agreements.services import agreement_save
from tuki.tickets.services import ticket_create
from tuki.timesheets import ledger
from tuki.timesheets.selectors import agreement_balances, overview
from tuki.timesheets.services import estimate_approve, estimate_propose, period_close, time_entry_log

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 17)
PAGE = "/desk/quota/?period=2027-03-17"


@pytest.fixture(autouse=True)
def _in_march_2027() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def additional(agent: Any, anna: Any, ticket: Any, minutes: int, day: date = DAY) -> None:
    estimate = estimate_propose(actor=agent, ticket=ticket, basis="hours", minutes=600, description="Työ", now=NOW)
    estimate_approve(actor=anna, estimate=estimate, version=estimate.version, now=NOW)
    time_entry_log(actor=agent, ticket=ticket, day=day, minutes=minutes, kind="additional", now=NOW)


def test_the_overview_shows_waiting_estimates_and_work_not_yet_invoiced(
    client: Any, agent: Any, manager: Any, anna: Any, request_a: Any, request_b: Any
) -> None:
    february = ticket_create(actor=anna, requester=anna.contact, subject="Helmikuun työ", now=NOW)
    additional(agent, anna, february, 60, day=date(2027, 2, 3))
    additional(agent, anna, request_a, 125)  # 197.92 € at 95 €/h
    waiting = ticket_create(actor=anna, requester=anna.contact, subject="Odottaa", now=NOW)
    estimate_propose(actor=agent, ticket=waiting, basis="hours", minutes=120, description="Arvio", now=NOW)
    client.force_login(agent)
    text = client.get(PAGE).content.decode()
    assert "1 kustannusarvio odottaa asiakkaan hyväksyntää" in text
    assert "1 (190,00 €)" in text  # the estimate waiting, at 95 €/h
    assert "3 h 05 min, 292,92 €" in text  # February's hour and March's work: no period closed yet
    assert "laskuttamatonta lisätyötä: 292,92 €" in text
    assert "Laskutusaineisto (CSV)" not in text  # the export is the managers'

    for period in ledger.periods_between(date(2025, 1, 1), date(2027, 2, 1), "month"):
        period_close(actor=manager, agreement=request_a.agreement, period_start=period.start, now=NOW)
    client.force_login(manager)
    text = client.get(PAGE).content.decode()
    assert "2 h 05 min, 197,92 €" in text  # February is closed for invoicing: invoiced
    assert 'href="/desk/quota/invoicing.csv?period=2027-03-17"' in text
    assert 'href="/desk/quota/invoicing.xlsx?period=2027-03-17"' in text


def _count(client: Any) -> int:
    client.get(PAGE)  # the first request fills per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_customers_estimates_or_entries(
    client: Any, agent: Any, manager: Any, anna: Any, request_a: Any, request_b: Any, office_hours: Any
) -> None:
    client.force_login(manager)
    additional(agent, anna, request_a, 30)
    few = _count(client)
    for number in range(3):
        organisation = organisation_create(name=f"Org C{number} Oy", business_id=f"333333{number}-3")
        agreement_save(
            actor=manager,
            organisation=organisation,
            service_calendar=office_hours,
            targets=TARGETS,
            valid_from=date(2025, 1, 1),
            quota_hours=10,
            hourly_rate=100,
        )
        carl = contact_create(
            organisation=organisation, email=f"c{number}@org-c.example", full_name="Carl", customer_manager=True
        )
        for subject in ("Yksi", "Kaksi"):
            ticket = ticket_create(actor=carl.user, requester=carl, subject=subject, now=NOW)
            additional(agent, carl.user, ticket, 45)
            time_entry_log(actor=agent, ticket=ticket, day=DAY, minutes=500, kind="maintenance", now=NOW)
        waiting = ticket_create(actor=carl.user, requester=carl, subject="Odottaa", now=NOW)
        estimate_propose(actor=agent, ticket=waiting, basis="hours", minutes=60, description="Arvio", now=NOW)
    assert _count(client) == few


def test_contacts_do_not_reach_the_overview(client: Any, anna: Any, bertil: Any, request_a: Any) -> None:
    for person in (anna, bertil):
        client.force_login(person)
        assert client.get(PAGE).status_code == 404


def test_carried_hours_from_closed_periods_match_the_ledger_cold_and_warm(
    manager: Any, agent: Any, agreement_a: Any, request_a: Any
) -> None:
    """The overview reads closed periods' sums from the cache; the balances stay those of the full ledger."""
    agreement = agreement_save(
        actor=manager,
        agreement=agreement_a,
        organisation=agreement_a.organisation,
        service_calendar=agreement_a.service_calendar,
        includes_on_call=True,
        on_call_calendar=agreement_a.on_call_calendar,
        targets=TARGETS,
        valid_from=date(2025, 1, 1),
        quota_hours=20,
        hourly_rate=95,
        carry_over="capped",
        carry_over_cap_hours=5,
    )
    for day, minutes in [(date(2027, 1, 5), 600), (date(2027, 2, 5), 750), (date(2027, 2, 6), 750)]:
        time_entry_log(actor=agent, ticket=request_a, day=day, minutes=minutes, kind="maintenance", now=NOW)
    time_entry_log(actor=agent, ticket=request_a, day=date(2027, 3, 5), minutes=300, kind="maintenance", now=NOW)

    def both(day: date) -> tuple[Any, Any]:
        shown = next(s for s in overview(day) if s.agreement.pk == agreement.pk)
        return shown.balance, agreement_balances(agreement, day)[-1]

    for period in ledger.periods_between(date(2025, 1, 1), date(2027, 1, 1), "month"):
        period_close(actor=manager, agreement=agreement, period_start=period.start, now=NOW)
    for day in (DAY, DAY, date(2027, 2, 10), date(2026, 12, 1)):  # cold, warm, an open and a closed period
        shown, full = both(day)
        assert shown == full
    assert both(DAY)[0].carried_in == 0  # February used 25 h of 20 + 5 carried from January
    assert both(date(2027, 2, 10))[0].carried_in == 300
    period_close(actor=manager, agreement=agreement, period_start=date(2027, 2, 1), now=NOW)
    shown, full = both(DAY)
    assert shown == full
    summary = next(s for s in overview(date(2027, 2, 10)) if s.agreement.pk == agreement.pk)
    assert (summary.closed, summary.first_open) == (True, date(2027, 3, 1))
