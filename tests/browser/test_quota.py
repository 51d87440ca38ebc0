"""Time and the quota in a real browser: an agent logs time by hand and reads the desk's overview; anna reads her
organisation's "Quota and costs" page and sees nothing of another customer's."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.tickets.services import ticket_create
from tuki.timesheets.services import time_entry_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def logged(agent: Any, anna: Any, bertil: Any, agreement_a: Any, agreement_b: Any) -> Any:
    today = timezone.localdate()
    request_a = ticket_create(actor=anna, requester=anna.contact, subject="Raportti ei aukea")
    request_b = ticket_create(actor=bertil, requester=bertil.contact, subject="Rapporten öppnas inte")
    for minutes, kind, text in [(600, "maintenance", "Raportin korjaus"), (420, "maintenance", "Indeksien päivitys")]:
        time_entry_log(actor=agent, ticket=request_a, day=today, minutes=minutes, kind=kind, description=text)
    time_entry_log(
        actor=agent, ticket=request_a, day=today, minutes=45, kind="help_desk", description="Neuvonta puhelimessa"
    )
    time_entry_log(actor=agent, ticket=request_b, day=today, minutes=30, kind="help_desk", description="Rådgivning B")
    return request_a


def test_anna_reads_quota_and_costs(page: Page, live_server: Any, browser: Browser, logged: Any) -> None:
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.get_by_role("link", name="Kiintiö ja kustannukset").click()
    expect(page.locator("h1")).to_have_text("Kiintiö ja kustannukset")
    expect(page.locator("meter#quota-bar")).to_have_attribute("value", "1020")
    expect(page.locator(".quota-figures")).to_contain_text("17 h 00 min / 20 h 00 min käytetty (85 %)")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("table.data")).to_contain_text("Neuvonta puhelimessa")
    assert "Rådgivning B" not in page.content()
    screenshot(page, "portal-quota-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    assert page.console_problems == []  # type: ignore[attr-defined]


def test_agent_logs_time_and_reads_the_overview(page: Page, live_server: Any, browser: Browser, logged: Any) -> None:
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{logged.identifier}/time/")
    page.get_by_label("Minuutit", exact=True).fill("90")
    page.get_by_label("Työn laji").select_option("maintenance")
    page.get_by_label("Kuvaus asiakkaalle").fill("Varmuuskopioinnin tarkistus")
    page.get_by_role("button", name="Kirjaa työaikaa").click()
    expect(page.locator(".messages")).to_contain_text(f"1 h 30 min kirjattu tukipyyntöön {logged.identifier}.")
    page.get_by_role("link", name="Kiintiöt").click()
    expect(page.locator("h1")).to_have_text("Ylläpitokiintiöt")
    first = page.locator("table.data tbody tr").first
    expect(first).to_contain_text("Org A Oy")
    expect(first).to_contain_text("18 h 30 min (92 %)")
    expect(first).to_contain_text("yli 80 %")
    screenshot(page, "desk-quota-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    assert page.console_problems == []  # type: ignore[attr-defined]
