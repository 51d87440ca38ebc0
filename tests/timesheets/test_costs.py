"""Additional costs by business unit: the arithmetic (each unit's share of each request rounded once), and the
portal's "Quota and costs" page per period: the bar, the entries with their customer descriptions, the costs, the
estimates waiting, the period selector; what a contact limited to their own requests sees; another customer
nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from tests.timesheets.conftest import NOW
from tuki.accounts.models import Contact
from tuki.accounts.services import business_unit_create
from tuki.agreements.models import Agreement
from tuki.tickets.services import ticket_create
from tuki.timesheets import ledger
from tuki.timesheets.services import estimate_approve, estimate_propose, time_entry_log

DAY = date(2027, 3, 17)
RATE = Decimal("95.00")


def test_a_line_is_rounded_once_and_its_shares_add_up_to_it() -> None:
    lines = [ledger.CostLine(7, RATE, {1: 33, 2: 67}), ledger.CostLine(90, RATE, {1: 100})]
    costs = ledger.costs_by_unit(lines)
    # 7 min at 95 €/h is 11.083 €, rounded once to 11.08: 67 % of 1,108 cents is 742.36, 33 % is 365.64, and the
    # cent left over goes to the larger remainder; the 7 minutes likewise (4.69 and 2.31: 5 and 2).
    assert costs[1] == ledger.UnitCost(Decimal(2 + 90), Decimal("3.66") + Decimal("142.50"))
    assert costs[2] == ledger.UnitCost(Decimal(5), Decimal("7.42"))
    assert costs[1].amount + costs[2].amount == ledger.line_amount(7, RATE) + ledger.line_amount(90, RATE)


@given(
    minutes=st.integers(min_value=-600, max_value=6000),
    rate=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2),
    first=st.integers(min_value=1, max_value=99),
)
def test_the_minutes_of_the_shares_add_up_to_the_line(minutes: int, rate: Decimal, first: int) -> None:
    costs = ledger.costs_by_unit([ledger.CostLine(minutes, rate, {1: first, 2: 100 - first})])
    assert costs[1].minutes + costs[2].minutes == minutes
    assert costs[1].amount + costs[2].amount == ledger.line_amount(minutes, rate)


pages = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_march_2027() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sales(org_a: Any) -> Any:
    return business_unit_create(organisation=org_a, name="Sales")


@pytest.fixture
def split_work(agent: Any, anna: Any, request_a: Any, unit_a: Any, sales: Any) -> Any:
    """90 minutes of approved additional work on request_a, split 60/40 between Finance and Sales."""
    estimate = estimate_propose(actor=agent, ticket=request_a, basis="hours", minutes=120, description="Uusi raportti")
    estimate_approve(actor=anna, estimate=estimate, version=1, split={unit_a.pk: 60, sales.pk: 40})
    time_entry_log(
        actor=agent,
        ticket=request_a,
        day=DAY,
        minutes=90,
        kind="additional",
        description="Raportin laajennus",
        internal_note="Asiakas kiirehti",
    )
    return estimate


@pages
def test_the_costs_by_business_unit(client: Any, anna: Any, split_work: Any) -> None:
    client.force_login(anna)
    text = client.get("/portal/quota/").content.decode()
    assert "Lisäkustannukset liiketoimintayksiköittäin" in text
    costs = text.split('class="data unit-costs"')[1].split("</table>")[0]
    assert '<th scope="row">Finance</th><td class="numeric">0 h 54 min</td><td class="numeric">85,50 €</td>' in costs
    assert '<th scope="row">Sales</th><td class="numeric">0 h 36 min</td><td class="numeric">57,00 €</td>' in costs
    assert '<td class="numeric">1 h 30 min</td><td class="numeric">142,50 €</td></tr></tfoot>' in costs
    assert "Raportin laajennus" in text and "Asiakas kiirehti" not in text


@pages
def test_work_without_an_estimate_falls_on_the_requests_unit_at_the_agreements_rate(
    client: Any, manager: Any, anna: Any, aaro: Any, request_a: Any
) -> None:
    unowned = ticket_create(actor=aaro.user, requester=aaro, subject="Ei yksikköä")
    for ticket in (request_a, unowned):
        time_entry_log(
            actor=manager, ticket=ticket, day=DAY, minutes=30, kind="additional", override_reason="Kiireellinen"
        )
    client.force_login(anna)
    costs = client.get("/portal/quota/").content.decode().split('class="data unit-costs"')[1]
    assert '<th scope="row">Finance</th><td class="numeric">0 h 30 min</td><td class="numeric">47,50 €</td>' in costs
    assert '<th scope="row">Ei liiketoimintayksikköä</th>' in costs
    assert "95,00 €</td></tr></tfoot>" in costs


@pages
def test_no_additional_work_is_said(client: Any, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)
    assert "Tällä kaudella ei ole tehty lisätöitä." in client.get("/portal/quota/").content.decode()


@pages
def test_the_bar_has_a_text_alternative(client: Any, agent: Any, anna: Any, request_a: Any) -> None:
    time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=300, kind="maintenance")
    client.force_login(anna)
    text = client.get("/portal/quota/").content.decode()
    assert 'aria-label="Ylläpitokiintiöstä käytetty" aria-describedby="quota-figures"' in text
    assert 'id="quota-figures"><strong>5 h 00 min / 20 h 00 min käytetty (25 %)</strong>, 15 h 00 min jäljellä.' in text


@pages
def test_the_estimates_waiting_link_to_the_approval(client: Any, agent: Any, anna: Any, request_a: Any) -> None:
    estimate = estimate_propose(actor=agent, ticket=request_a, basis="hours", minutes=120, description="Raportti")
    client.force_login(anna)
    text = client.get("/portal/quota/").content.decode()
    assert "Hyväksyntää odottavat kustannusarviot" in text
    assert f'<a href="/portal/estimates/{estimate.pk}/">{request_a.identifier} Raportti ei aukea</a>: 190,00 €' in text


@pages
def test_the_period_selector(client: Any, agent: Any, anna: Any, request_a: Any) -> None:
    time_entry_log(
        actor=agent,
        ticket=request_a,
        day=date(2027, 2, 10),
        minutes=60,
        kind="maintenance",
        description="Helmikuun työ",
    )
    time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=30, kind="maintenance", description="Maaliskuun työ")
    client.force_login(anna)
    text = client.get("/portal/quota/").content.decode()
    assert '<select id="period" name="period" data-autosubmit>' in text
    assert '<option value="2027-03-01" selected>1.3.2027 – 31.3.2027</option>' in text
    assert '<option value="2027-02-01">1.2.2027 – 28.2.2027</option>' in text
    assert '<option value="2025-01-01">' in text and '<option value="2027-04-01">' not in text
    assert "Maaliskuun työ" in text and "Helmikuun työ" not in text
    february = client.get("/portal/quota/?period=2027-02-01").content.decode()
    assert "Helmikuun työ" in february and "Maaliskuun työ" not in february
    assert '<option value="2027-02-01" selected>' in february


@pages
def test_a_contact_limited_to_their_own_requests(
    client: Any, agent: Any, anna: Any, aaro: Contact, request_a: Any, split_work: Any
) -> None:
    """aaro sees the organisation's quota balance, but of the work only that of the requests he may see."""
    Agreement.objects.filter(organisation=anna.contact.organisation).update(contact_visibility="own")
    own = ticket_create(actor=aaro.user, requester=aaro, subject="Aaron pyyntö")
    time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=240, kind="maintenance", description="Annan työ")
    time_entry_log(actor=agent, ticket=own, day=DAY, minutes=30, kind="maintenance", description="Aaron työ")
    time_entry_log(actor=agent, ticket=own, day=DAY, minutes=15, kind="help_desk", description="Aaron neuvonta")
    client.force_login(aaro.user)
    text = client.get("/portal/quota/").content.decode()
    assert "4 h 30 min / 20 h 00 min käytetty (22 %)" in text  # the organisation's quota
    assert "Aaron työ" in text and "Aaron neuvonta" in text
    assert "Annan työ" not in text and "Raportin laajennus" not in text and request_a.identifier not in text
    kinds = text.split('class="definition-list time-by-kind"')[1].split("</dl>")[0]
    assert "<dd>0 h 15 min</dd>" in kinds and "<dd>0 h 30 min</dd>" in kinds and "<dd>0 h 00 min</dd>" in kinds
    assert "unit-costs" not in text and "Finance" not in text and "85,50" not in text
    assert "Hyväksyntää odottavat kustannusarviot" not in text
    # anna, a customer manager, sees the whole organisation's work.
    client.force_login(anna)
    text = client.get("/portal/quota/").content.decode()
    assert "Annan työ" in text and "Aaron työ" in text and "142,50 €" in text


@pages
def test_bertil_sees_nothing_of_org_a(
    client: Any, agent: Any, anna: Any, bertil: Any, request_a: Any, request_b: Any, split_work: Any
) -> None:
    waiting = ticket_create(actor=anna, requester=anna.contact, subject="Odottava")
    estimate_propose(actor=agent, ticket=waiting, basis="hours", minutes=60, description="Org A:n arvio")
    time_entry_log(actor=agent, ticket=request_b, day=DAY, minutes=20, kind="help_desk", description="Org B:s hjälp")
    client.force_login(bertil)
    for period in ("", "?period=2027-03-01", "?period=2027-02-01", "?period=bad"):
        text = client.get(f"/portal/quota/{period}").content.decode()
        assert "Org A" not in text and "Finance" not in text and "Sales" not in text
        assert "142,50" not in text and "142.50" not in text and "Raportin laajennus" not in text
        assert request_a.identifier not in text and waiting.identifier not in text
        assert "unit-costs" not in text
    assert "Org B:s hjälp" in client.get("/portal/quota/").content.decode()
    assert client.get(f"/portal/estimates/{split_work.pk}/").status_code == 404


@pages
def test_the_page_costs_the_same_queries_however_many_entries(
    client: Any, agent: Any, anna: Any, request_a: Any, split_work: Any
) -> None:
    client.force_login(anna)

    def count() -> int:
        client.get("/portal/quota/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/portal/quota/").status_code == 200
        return len(captured.captured_queries)

    few = count()
    for number in range(15):
        ticket = ticket_create(actor=anna, requester=anna.contact, subject=f"Pyyntö {number}")
        time_entry_log(actor=agent, ticket=ticket, day=DAY, minutes=10 + number, kind="maintenance")
        estimate_propose(actor=agent, ticket=ticket, basis="hours", minutes=60, description="Arvio")
    time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=30, kind="additional")
    assert count() == few


@pages
def test_a_busy_period_lists_its_entries_a_page_at_a_time_and_sums_them_all(
    client: Any, agent: Any, anna: Any, request_a: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(105):
        time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=1, kind="help_desk", description=f"Työ {number}")
    client.force_login(anna)
    first = client.get("/portal/quota/").content.decode()
    assert first.count("<td>Työ ") == 100 and "page=2" in first and "Työ 0<" in first
    second = client.get("/portal/quota/?period=2027-03-17&page=2").content.decode()
    assert second.count("<td>Työ ") == 5 and "Työ 104<" in second and "page=1" in second
    assert "1 h 45 min" in first and "1 h 45 min" in second  # the help desk time of all 105 entries
