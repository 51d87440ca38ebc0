"""The invoicing export: its figures add up to the ledger and to the approved cost splits to the cent, the files
import without editing, the queries do not grow with the entries, and only the supplier's managers take it out."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.timesheets.conftest import NOW
from tuki.accounts.services import business_unit_create
from tuki.audit.models import Action, AuditEntry
from tuki.desk.invoicing import COLUMNS, TOTAL_COLUMNS
from tuki.tickets.services import ticket_create
from tuki.timesheets import ledger
from tuki.timesheets.invoicing import invoicing
from tuki.timesheets.models import CostShare, Estimate, TimeEntry
from tuki.timesheets.selectors import overview, period_costs
from tuki.timesheets.services import (
    estimate_approve,
    estimate_propose,
    period_close,
    time_entry_correct,
    time_entry_log,
)

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 17)
FEBRUARY = date(2027, 2, 10)
URL = "/desk/quota/invoicing.csv"
XLSX = "/desk/quota/invoicing.xlsx"


def log(agent: Any, ticket: Any, minutes: int, kind: str, day: date = TODAY) -> TimeEntry:
    return time_entry_log(actor=agent, ticket=ticket, day=day, minutes=minutes, kind=kind, now=NOW, description="työ")


@pytest.fixture
def sales(org_a: Any) -> Any:
    return business_unit_create(organisation=org_a, name="Sales", cost_centre="CC-200")


@pytest.fixture
def world(agent: Any, manager: Any, anna: Any, sales: Any, unit_a: Any, request_a: Any, request_b: Any) -> Any:
    """Org A: maintenance past its 20 h quota on two units, help desk, additional work split 60/40, and a late
    correction of February's closed period. Org B: help desk only."""
    of_sales = ticket_create(
        actor=anna, requester=anna.contact, subject="Myynnin raportti", business_unit=sales, now=NOW
    )
    extra = ticket_create(actor=anna, requester=anna.contact, subject="Uusi raportti", now=NOW)
    february = log(agent, request_a, 90, "maintenance", day=FEBRUARY)
    for period in ledger.periods_between(date(2025, 1, 1), FEBRUARY, "month"):  # periods close in order
        period_close(actor=manager, agreement=request_a.agreement, period_start=period.start, now=NOW)
    log(agent, request_a, 1000, "maintenance")
    log(agent, of_sales, 500, "maintenance")
    log(agent, request_a, 45, "help_desk")
    time_entry_correct(actor=agent, entry=february, reason="Väärä pyyntö", minutes=30, now=NOW)
    estimate = estimate_propose(actor=agent, ticket=extra, basis="hours", minutes=180, description="Raportti", now=NOW)
    estimate_approve(actor=anna, estimate=estimate, version=1, split={unit_a.pk: 60, sales.pk: 40}, now=NOW)
    log(agent, extra, 125, "additional")
    log(agent, request_b, 30, "help_desk")
    return extra


def by_key(lines: Any) -> dict[tuple[str, str, str, bool], Any]:
    return {(line.organisation.name, line.business_unit.name, line.kind, line.late): line for line in lines}


def test_the_lines_follow_the_documented_money(world: Any, manager: Any) -> None:
    lines = by_key(invoicing(manager, TODAY).lines)
    assert set(lines) == {
        ("Org A Oy", "Finance", "help_desk", False),
        ("Org A Oy", "Finance", "maintenance", False),
        ("Org A Oy", "Finance", "maintenance", True),
        ("Org A Oy", "Sales", "maintenance", False),
        ("Org A Oy", "Finance", "additional", False),
        ("Org A Oy", "Sales", "additional", False),
        ("Org B Ab", "Ekonomi", "help_desk", False),
    }
    late = lines[("Org A Oy", "Finance", "maintenance", True)]
    assert (late.minutes, late.billable_minutes, late.amount) == (-30, 0, Decimal("0.00"))
    # 1470 maintenance minutes against 1200 included: 270 beyond, shared 1000:500 between the units.
    finance = lines[("Org A Oy", "Finance", "maintenance", False)]
    of_sales = lines[("Org A Oy", "Sales", "maintenance", False)]
    assert (finance.billable_minutes, of_sales.billable_minutes) == (180, 90)
    assert (finance.amount, of_sales.amount) == (ledger.line_amount(180, Decimal(95)), Decimal("142.50"))
    # 125 min at 95 €/h is 197.92 €, rounded once; 60/40 in whole cents: 118.75 + 79.17.
    assert lines[("Org A Oy", "Finance", "additional", False)].amount == Decimal("118.75")
    assert lines[("Org A Oy", "Sales", "additional", False)].amount == Decimal("79.17")
    assert lines[("Org A Oy", "Finance", "additional", False)].minutes == 75
    assert lines[("Org A Oy", "Finance", "help_desk", False)].amount == Decimal("0.00")


def test_the_totals_are_the_ledgers_balances_for_every_customer(world: Any, manager: Any) -> None:
    found = invoicing(manager, TODAY)
    for customer in overview(TODAY):
        own = [line for line in found.lines if line.agreement == customer.agreement]
        minutes: dict[str, int] = defaultdict(int)
        for line in own:
            minutes[line.kind] += line.minutes
        assert dict(minutes) == {kind: total for kind, total in customer.minutes.items() if total}
        assert sum(line.minutes for line in own if line.kind == "maintenance") == customer.balance.used
        billable = sum(line.billable_minutes for line in own if line.kind == "maintenance")
        assert billable == customer.balance.over
    assert [c.agreement.organisation.name for c in found.customers] == ["Org A Oy", "Org B Ab"]


def test_the_additional_amounts_are_the_approved_splits_to_the_cent(world: Any, manager: Any) -> None:
    lines = [line for line in invoicing(manager, TODAY).lines if line.kind == "additional"]
    expected: dict[int, Decimal] = defaultdict(Decimal)
    for estimate in Estimate.objects.filter(state="approved"):
        minutes = sum(
            TimeEntry.objects.filter(ticket=estimate.ticket, kind="additional").values_list("minutes", flat=True)
        )
        amount = ledger.line_amount(minutes, estimate.hourly_rate)
        shares = CostShare.objects.filter(estimate=estimate).order_by("-percent")
        cents = ledger.allocate(ledger.cents(amount), [share.percent for share in shares])
        for share, part in zip(shares, cents, strict=True):
            expected[share.business_unit_id] += ledger.euros(part)
        assert sum(line.amount for line in lines) == amount == Decimal("197.92")
    assert {line.business_unit.pk: line.amount for line in lines} == dict(expected)


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


def test_the_csv_imports_without_editing(client: Any, world: Any, manager: Any, org_a: Any) -> None:
    org_a.name = '=HYPERLINK("http://evil.example/","x")'
    org_a.save(update_fields=["name"])
    client.force_login(manager)
    response = client.get(URL, {"period": "2027-03-17"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="invoicing-2027-03.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == COLUMNS
    assert len(rows) == 7 and all(len(row) == len(COLUMNS) for row in rows)
    named = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    sales = next(r for r in named if r["business_unit"] == "Sales" and r["kind"] == "maintenance")
    assert (sales["period_start"], sales["period_end"], sales["period_closed"]) == ("2027-03-01", "2027-03-31", "0")
    assert (sales["minutes"], sales["hours"], sales["hours_hmm"]) == ("500", "8.33", "8:20")
    assert (sales["billable_hours"], sales["hourly_rate"], sales["amount_eur"]) == ("1.50", "95.00", "142.50")
    assert (sales["cost_centre"], sales["business_id"]) == ("CC-200", "1111111-1")
    late = next(r for r in named if r["late_correction"] == "1")
    assert (late["minutes"], late["hours"], late["hours_hmm"]) == ("-30", "-0.50", "-0:30")
    assert sales["customer"] == "'" + org_a.name  # guarded against formula injection
    total = sum(Decimal(r["amount_eur"]) for r in named)
    assert total == Decimal("285.00") + Decimal("142.50") + Decimal("197.92")
    entry = AuditEntry.objects.get(action=Action.EXPORTED)
    assert entry.details == {
        "export": "invoicing",
        "format": "csv",
        "period": "2027-03-17",
        "customer": None,
        "rows": 7,
    }


def test_the_xlsx_has_typed_cells_and_the_totals(client: Any, world: Any, manager: Any) -> None:
    client.force_login(manager)
    response = client.get(XLSX, {"period": "2027-03-17"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    lines, totals = workbook["lines"], workbook["totals"]
    assert [cell.value for cell in lines[1]] == COLUMNS
    assert [cell.value for cell in totals[1]] == TOTAL_COLUMNS
    rows = [dict(zip(COLUMNS, [cell.value for cell in row], strict=True)) for row in lines.iter_rows(min_row=2)]
    assert len(rows) == 7
    additional = [r for r in rows if r["kind"] == "additional"]
    assert sorted(r["amount_eur"] for r in additional) == [79.17, 118.75]
    assert rows[0]["period_start"].date() == date(2027, 3, 1)
    org_a = dict(zip(TOTAL_COLUMNS, [cell.value for cell in totals[2]], strict=True))
    assert (org_a["customer"], org_a["included_minutes"], org_a["maintenance_minutes"]) == ("Org A Oy", 1200, 1470)
    assert (org_a["beyond_quota_minutes"], org_a["billable_minutes"]) == (270, 395)
    assert Decimal(str(org_a["amount_eur"])) == Decimal("625.42")


def test_queries_do_not_grow_with_the_entries(
    client: Any, world: Any, manager: Any, agent: Any, request_a: Any
) -> None:
    client.force_login(manager)

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"period": "2027-03-17"}).status_code == 200
            assert client.get(XLSX, {"period": "2027-03-17"}).status_code == 200
        return len(queries)

    counted()  # the first requests fill per-process caches (the agreements, the last closings)
    before = counted()
    for _ in range(20):
        log(agent, request_a, 5, "help_desk")
        log(agent, world, 5, "additional")
    assert counted() == before


def test_one_customer_only_when_asked(client: Any, world: Any, manager: Any, org_a: Any) -> None:
    client.force_login(manager)
    _header, *rows = csv_rows(client.get(URL, {"period": "2027-03-17", "customer": org_a.pk}))
    assert {row[COLUMNS.index("customer")] for row in rows} == {"Org A Oy"}
    assert client.get(URL, {"customer": "x"}).status_code == 404


def test_a_customer_reading_the_figures_sees_only_its_own(world: Any, anna: Any, bertil: Any, org_b: Any) -> None:
    """The figures go through the scoping: a contact's own organisation's rows only, whichever customer is asked."""
    assert {line.organisation.name for line in invoicing(anna, TODAY).lines} == {"Org A Oy"}
    assert {line.organisation.name for line in invoicing(bertil, TODAY).lines} == {"Org B Ab"}
    assert invoicing(anna, TODAY, org_b.pk).lines == []


@pytest.mark.parametrize("who", ["agent", "anna", "bertil"])
def test_only_managers_take_the_export(client: Any, world: Any, who: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.get(XLSX).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.EXPORTED).exists()


def test_anonymous_is_sent_to_log_in(client: Any) -> None:
    assert client.get(URL).status_code == 302


def test_the_customers_page_and_the_export_agree_to_the_cent(
    world: Any, agent: Any, anna: Any, manager: Any, request_a: Any
) -> None:
    log(agent, world, 7, "additional")  # an awkward number of minutes: 132 min at 95 €/h is 209.00 €, 7 more
    exported = {
        line.business_unit.name: (line.minutes, line.amount)
        for line in invoicing(manager, TODAY, request_a.organisation_id).lines
        if line.kind == "additional"
    }
    shown = period_costs(anna, request_a.agreement, ledger.period_of(TODAY, "month").start)
    assert {row.name: (row.minutes, row.amount) for row in shown.units} == exported
    assert shown.amount == sum(amount for _minutes, amount in exported.values())
