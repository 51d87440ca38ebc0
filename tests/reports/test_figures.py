"""The report's figures against a second count by plain loops over the rows, on generated months that hold a change
of daylight saving time (October 2026, March 2027) and Finnish public holidays (Good Friday and Easter Monday 2027)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reports.months import HELSINKI, at, generate_month
from tests.reports.oracle import changes_by_loops, requests_by_loops, sla_by_loops, time_by_loops
from tuki.reports.figures import month_figures
from tuki.reports.figures.additional import SUPPLIER
from tuki.timesheets.invoicing import invoicing

pytestmark = pytest.mark.django_db


def _rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {
        row["key"]: {name: row[name] for name in ("opened", "resolved", "open_at_end") if row[name]} for row in rows
    }


@pytest.mark.parametrize(("first", "seed"), [(date(2026, 10, 1), 1), (date(2027, 3, 1), 2), (date(2027, 3, 1), 3)])
def test_figures_agree_with_plain_loops(
    first: date, seed: int, agent: Any, anna: Any, people_a: Any, environments_a: Any, agreement_a: Any
) -> None:
    generate_month(
        seed=seed,
        first=first,
        agent=agent,
        manager_contact=anna.contact,
        contacts=people_a,
        environments=environments_a,
        requests=35,
    )
    now = at(date(first.year + first.month // 12, first.month % 12 + 1, 1), 6)
    figures = month_figures(organisation=anna.contact.organisation, month=first, now=now)
    organisation_id = anna.contact.organisation_id

    expected = requests_by_loops(organisation_id, first, HELSINKI)
    requests = figures["requests"]
    assert {name: requests[name] for name in ("opened", "resolved", "open_at_end")} == {
        name: expected[name] for name in ("opened", "resolved", "open_at_end")
    }
    assert requests["opened"] > 5 and requests["open_at_end"] > 0
    for dimension in ("by_priority", "by_type", "by_channel", "by_environment", "by_business_unit", "by_requester"):
        assert _rows(requests[dimension]) == expected[dimension], dimension
    weeks = {row["week_start"]: {"opened": row["opened"], "resolved": row["resolved"]} for row in requests["per_week"]}
    assert {week: counts for week, counts in weeks.items() if any(counts.values())} == expected["per_week"]
    assert sum(row["opened"] for row in requests["per_week"]) == requests["opened"]
    assert [row["id"] for row in requests["oldest_open"]] == expected["oldest_open"]

    sla = sla_by_loops(organisation_id, first, HELSINKI, now)
    by_priority = {
        row["priority"]: {name: value for name, value in row.items() if name != "priority" and value}
        for row in figures["sla"]["by_priority"]
    }
    assert by_priority == sla["totals"]
    breaches = {(row["id"], row["target"]): row["late_minutes"] for row in figures["sla"]["breaches"]}
    assert breaches == sla["breaches"]
    assert figures["sla"]["paused_minutes"] == sla["paused"] and figures["sla"]["breaches"]
    assert all(row["explanation"][0]["what"] == "Vastaanotettu" for row in figures["sla"]["breaches"])

    ledger = time_by_loops(organisation_id, first, Decimal("95.00"))
    quota = figures["quota"]
    assert quota["maintenance_minutes"] == ledger["by_kind"].get("maintenance", 0)
    assert quota["help_desk_minutes"] == ledger["by_kind"].get("help_desk", 0)
    assert quota["included_minutes"] == 1200
    assert quota["remaining_minutes"] == max(0, 1200 - quota["maintenance_minutes"])
    assert [row["month"] for row in quota["trend"]][-1] == first.isoformat() and len(quota["trend"]) == 7
    assert quota["trend"][-1]["maintenance_minutes"] == quota["maintenance_minutes"]

    additional = figures["additional"]
    units = {row["key"]: Decimal(row["amount"]) for row in additional["by_business_unit"]}
    assert units == {str(key or ""): amount for key, amount in ledger["units"].items()}
    assert Decimal(additional["total_amount"]) == ledger["total"]
    export = invoicing(SUPPLIER, first, organisation_id).lines
    assert Decimal(additional["total_amount"]) == sum(
        (line.amount for line in export if line.kind == "additional"), Decimal("0.00")
    )

    placed = {
        row["key"]: {
            (change["id"], name) for name in ("implemented", "rolled_back", "scheduled") for change in row[name]
        }
        for row in figures["changes"]["by_environment"]
    }
    assert {key: value for key, value in placed.items() if value} == changes_by_loops(organisation_id, first, HELSINKI)


def test_queries_do_not_grow_with_the_requests(
    agent: Any, anna: Any, people_a: Any, environments_a: Any, agreement_a: Any
) -> None:
    first = date(2026, 10, 1)
    now = at(date(2026, 11, 1), 6)

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            month_figures(organisation=anna.contact.organisation, month=first, now=now)
        return len(queries)

    generate_month(
        seed=7,
        first=first,
        agent=agent,
        manager_contact=anna.contact,
        contacts=people_a,
        environments=environments_a,
        requests=5,
    )
    few = counted()
    generate_month(
        seed=8,
        first=first,
        agent=agent,
        manager_contact=anna.contact,
        contacts=people_a,
        environments=environments_a,
        requests=25,
    )
    # The breaches' explanations read each late request's clocks; everything else is a fixed number of queries.
    figures = month_figures(organisation=anna.contact.organisation, month=first, now=now)
    assert counted() <= few + 4 * len(figures["sla"]["breaches"]) + 4


def test_a_month_that_has_not_begun_is_refused(anna: Any, agreement_a: Any) -> None:
    from tuki.reports.figures import ReportMonthError

    with pytest.raises(ReportMonthError, match="2027-01"):
        month_figures(organisation=anna.contact.organisation, month=date(2027, 1, 1), now=at(date(2026, 12, 31), 23))


def test_a_customer_without_an_agreement_gets_notes_not_figures(bertil: Any) -> None:
    figures = month_figures(
        organisation=bertil.contact.organisation, month=date(2026, 10, 1), now=datetime(2026, 11, 2, tzinfo=HELSINKI)
    )
    codes = [note["code"] for note in figures["notes"]]
    assert "no_agreement" in codes and "no_environments" in codes
    assert figures["agreements"] == [] and figures["quota"]["included_minutes"] == 0
    assert figures["additional"]["total_amount"] == "0.00" and figures["changes"]["by_environment"] == []
    assert figures["time_zone"] == "Europe/Helsinki"


def test_an_agreement_that_changed_mid_month_is_listed_in_two_parts(
    manager: Any, anna: Any, agreement_a: Any, office_hours: Any
) -> None:
    from tests.conftest import TARGETS
    from tuki.agreements.services import agreement_save

    agreement_save(
        actor=manager,
        organisation=anna.contact.organisation,
        service_calendar=office_hours,
        targets=TARGETS,
        name="Uusi sopimus",
        valid_from=date(2026, 11, 16),
        quota_hours=Decimal(30),
        hourly_rate=Decimal("105.00"),
    )
    figures = month_figures(
        organisation=anna.contact.organisation, month=date(2026, 11, 1), now=at(date(2026, 12, 1), 6)
    )
    parts = [(row["name"], row["start"], row["end"], row["quota_minutes"]) for row in figures["agreements"]]
    assert parts == [("SELECT", "2026-11-01", "2026-11-15", 1200), ("Uusi sopimus", "2026-11-16", "2026-11-30", 1800)]
    assert {"code": "agreement_changed", "params": {"day": "2026-11-16"}} in figures["notes"]
    assert figures["quota"]["included_minutes"] == 1800  # the quota of the agreement that governs the month's end


def test_the_month_so_far(anna: Any, agreement_a: Any) -> None:
    now = at(date(2026, 12, 6), 12)
    figures = month_figures(organisation=anna.contact.organisation, month=date(2026, 12, 1), now=now)
    assert {"code": "month_in_progress", "params": {"until": now.isoformat()}} in figures["notes"]
    assert now - timedelta(days=6) < datetime.fromisoformat(figures["made_at"])


def test_a_breach_over_easter_and_the_change_to_summer_time(anna: Any, agent: Any, agreement_a: Any) -> None:
    from tuki.tickets.services import ticket_create, ticket_reply

    # Normal priority: 4 service hours to respond. Thursday 15.00 + 1 h; Good Friday, the weekend (summer time
    # begins on Sunday the 28th) and Easter Monday are closed; Tuesday 8.00 + 3 h = due Tuesday 11.00.
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Pääsiäinen", now=at(date(2027, 3, 25), 15))
    ticket.refresh_from_db()
    assert ticket.first_response_due == at(date(2027, 3, 30), 11)
    ticket_reply(actor=agent, ticket=ticket, body="Katsotaan.", now=at(date(2027, 3, 31), 9))
    figures = month_figures(organisation=anna.contact.organisation, month=date(2027, 3, 1), now=at(date(2027, 4, 1), 6))
    [breach] = [row for row in figures["sla"]["breaches"] if row["target"] == "response"]
    assert breach["late_minutes"] == 6 * 60  # Tuesday 11-16 and Wednesday 8-9
    lines = " ".join(line["what"] for line in breach["explanation"])
    assert "Pitkäperjantai" in lines and "Toinen pääsiäispäivä" in lines


def test_a_quarterly_quota_shows_its_period_and_months_by_the_days_of_work(
    manager: Any, agent: Any, anna: Any, office_hours: Any
) -> None:
    from tests.conftest import TARGETS
    from tuki.agreements.services import agreement_save
    from tuki.tickets.services import ticket_create
    from tuki.timesheets.services import time_entry_log

    agreement_save(
        actor=manager,
        organisation=anna.contact.organisation,
        service_calendar=office_hours,
        targets=TARGETS,
        valid_from=date(2026, 1, 1),
        quota_hours=Decimal(60),
        quota_period="quarter",
    )
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Ylläpito", now=at(date(2026, 10, 5), 9))
    for day, minutes in ((date(2026, 10, 6), 90), (date(2026, 11, 3), 45)):
        time_entry_log(actor=agent, ticket=ticket, day=day, minutes=minutes, kind="maintenance", now=at(day, 17))
    figures = month_figures(
        organisation=anna.contact.organisation, month=date(2026, 11, 1), now=at(date(2026, 12, 1), 6)
    )
    quota = figures["quota"]
    assert (quota["period_start"], quota["period_end"], quota["period_kind"]) == ("2026-10-01", "2026-12-31", "quarter")
    assert (quota["included_minutes"], quota["maintenance_minutes"]) == (3600, 135)
    assert [(row["month"], row["maintenance_minutes"], row["included_minutes"]) for row in quota["trend"][-2:]] == [
        ("2026-10-01", 90, 1200),
        ("2026-11-01", 45, 1200),
    ]
    assert {"code": "quota_period", "params": {"kind": "quarter"}} in figures["notes"]
