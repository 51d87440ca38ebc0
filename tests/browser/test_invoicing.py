"""Issue 13 end to end in a real browser: an agent logs maintenance past 80 % (anna gets the warning mail) until the
quota runs out, makes an estimate, anna approves it splitting the costs 60/40, the agent logs the work as additional,
and a manager who passed the second step downloads the invoicing export, which shows the split. And who may not:
bertil, anna and agents never get the export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tests.second_step import code_for, enrolled_device
from tuki.accounts.services import business_unit_create
from tuki.desk.invoicing import COLUMNS
from tuki.tickets.services import ticket_create
from tuki.timesheets.services import time_entry_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_time(page: Page, base: str, identifier: str, minutes: int, kind: str, text: str) -> None:
    page.goto(f"{base}/desk/requests/{identifier}/time/")
    page.get_by_label("Minuutit", exact=True).fill(str(minutes))
    page.get_by_label("Työn laji").select_option(kind)
    page.get_by_label("Kuvaus asiakkaalle").fill(text)
    page.get_by_role("button", name="Kirjaa työaikaa").click()
    expect(page.locator(".messages")).to_contain_text(f"kirjattu tukipyyntöön {identifier}.")


def rows_of(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert header == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


@pytest.fixture
def org_b_busy(agent: Any, bertil: Any, agreement_b: Any) -> Any:
    """Org B has time of its own in the period, which a one-customer export must leave out."""
    request_b = ticket_create(actor=bertil, requester=bertil.contact, subject="Rapporten öppnas inte")
    time_entry_log(actor=agent, ticket=request_b, day=timezone.localdate(), minutes=30, kind="help_desk")
    return request_b


def test_from_quota_to_invoice(
    page: Page, live_server: Any, browser: Browser, agent: Any, manager: Any, anna: Any, org_a: Any,
    unit_a: Any, agreement_a: Any, org_b_busy: Any, tmp_path: Path,
) -> None:  # fmt: skip
    base = live_server.url
    business_unit_create(organisation=org_a, name="Sales", cost_centre="CC-200")
    request_a = ticket_create(actor=anna, requester=anna.contact, subject="Uusi kuukausiraportti")
    mail.outbox.clear()

    # The agent logs maintenance past 80 % of the 20 h quota: anna is warned by mail, once.
    log_in(page, base, "agent@supplier.example", PASSWORD)
    log_time(page, base, request_a.identifier, 900, "maintenance", "Raportin korjaus")  # 75 %
    assert [message for message in mail.outbox if message.to == ["anna@org-a.example"]] == []
    log_time(page, base, request_a.identifier, 120, "maintenance", "Indeksien päivitys")  # 85 %
    warned = [message for message in mail.outbox if message.to == ["anna@org-a.example"]]
    assert len(warned) == 1 and "Käytetty: 17 h 00 min (85 %)" in warned[0].body
    # The quota runs out: the 100 % warning.
    log_time(page, base, request_a.identifier, 180, "maintenance", "Varmuuskopioinnin tarkistus")
    assert len([message for message in mail.outbox if message.to == ["anna@org-a.example"]]) == 2

    # Beyond the quota the work is additional: the agent makes an estimate of 2 h.
    page.goto(f"{base}/desk/requests/{request_a.identifier}/time/")
    page.get_by_label("Arvioidut tunnit").fill("2")
    page.get_by_label("Työn kuvaus").fill("Uusi kuukausiraportti tietovarastosta")
    page.get_by_role("button", name="Lähetä hyväksyttäväksi").click()
    expect(page.locator(".estimate-card")).to_contain_text("Odottaa hyväksyntää")
    page.context.clear_cookies()

    # anna approves it in the portal and splits the costs 60/40.
    log_in(page, base, "anna@org-a.example", PASSWORD)
    page.get_by_role("link", name="Kiintiö ja kustannukset").click()
    page.get_by_role("link", name=f"{request_a.identifier} Uusi kuukausiraportti").click()
    page.get_by_label("Finance, osuus (%)").fill("60")
    page.get_by_label("Sales, osuus (%)").fill("40")
    page.get_by_role("button", name="Hyväksy kustannusarvio").click()
    expect(page.locator(".messages")).to_contain_text("Kustannusarvio on hyväksytty")
    page.context.clear_cookies()

    # The agent logs the work as additional.
    log_in(page, base, "agent@supplier.example", PASSWORD)
    log_time(page, base, request_a.identifier, 120, "additional", "Kuukausiraportti")
    page.context.clear_cookies()

    # A manager, past the second step, reads the overview and downloads the export.
    device = enrolled_device(manager)
    log_in(page, base, "manager@supplier.example", PASSWORD)
    page.wait_for_url("**/accounts/two-step/verify/**")
    page.get_by_label("Koodi").fill(code_for(device))
    page.get_by_role("button", name="Jatka").click()
    page.wait_for_url("**/desk/")
    page.get_by_role("link", name="Kiintiöt").click()
    expect(page.locator("h1")).to_have_text("Ylläpitokiintiöt")
    first = page.locator("table.data tbody tr").first
    expect(first).to_contain_text("Org A Oy")
    expect(first).to_contain_text("kiintiö käytetty")
    expect(first).to_contain_text("2 h 00 min, 190,00 €")  # additional work not yet invoiced
    screenshot(page, "desk-quota-invoicing-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Laskutusaineisto (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"invoicing-{timezone.localdate():%Y-%m}.csv"
    rows = rows_of(saved)
    additional = {row["business_unit"]: row for row in rows if row["kind"] == "additional"}
    assert set(additional) == {"Finance", "Sales"}
    assert (additional["Finance"]["minutes"], additional["Finance"]["amount_eur"]) == ("72", "114.00")
    assert (additional["Sales"]["minutes"], additional["Sales"]["amount_eur"]) == ("48", "76.00")
    assert additional["Sales"]["cost_centre"] == "CC-200"
    maintenance = [row for row in rows if row["customer"] == "Org A Oy" and row["kind"] == "maintenance"]
    assert [(row["minutes"], row["billable_minutes"], row["amount_eur"]) for row in maintenance] == [
        ("1200", "0", "0.00")  # exactly the quota: nothing beyond it to invoice
    ]
    assert {row["customer"] for row in rows} == {"Org A Oy", "Org B Ab"}

    with page.expect_download() as download:
        page.get_by_role("link", name="Laskutusaineisto (XLSX)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    sheet = [[cell.value for cell in row] for row in workbook["lines"].iter_rows()]
    amounts = {row[COLUMNS.index("business_unit")]: row[COLUMNS.index("amount_eur")] for row in sheet[1:]
               if row[COLUMNS.index("kind")] == "additional"}  # fmt: skip
    assert {unit: Decimal(str(value)) for unit, value in amounts.items()} == {
        "Finance": Decimal("114"),
        "Sales": Decimal("76"),
    }

    # One customer's export has that customer's rows only.
    answer = page.request.get(f"{base}/desk/quota/invoicing.csv?customer={org_a.pk}")
    one = tmp_path / "one.csv"
    one.write_bytes(answer.body())
    assert {row["customer"] for row in rows_of(one)} == {"Org A Oy"}
    assert page.console_problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("email", ["bertil@org-b.example", "anna@org-a.example", "agent@supplier.example"])
def test_only_managers_reach_the_export(
    page: Page, live_server: Any, email: str, agent: Any, anna: Any, bertil: Any, agreement_a: Any, org_b_busy: Any
) -> None:
    log_in(page, live_server.url, email, PASSWORD)
    for path in ("/desk/quota/invoicing.csv", "/desk/quota/invoicing.xlsx", "/desk/quota/"):
        answer = page.request.get(f"{live_server.url}{path}", max_redirects=0)
        expected = 200 if path == "/desk/quota/" and email.startswith("agent") else 404
        assert answer.status == expected, path
        assert "Org B Ab" not in answer.text() or expected == 200
    page.goto(f"{live_server.url}/desk/quota/" if email.startswith("agent") else f"{live_server.url}/portal/quota/")
    expect(page.get_by_role("link", name="Laskutusaineisto (CSV)")).to_have_count(0)
