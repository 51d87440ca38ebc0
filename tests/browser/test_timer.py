"""The timer in a real browser: the agent starts it on a request, reloads, finds it running (in a new tab too),
pauses, stops, confirms the prefilled entry, and the request page shows the time by kind; anna reads the additional
costs split between her business units on "Quota and costs"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.accounts.services import business_unit_create
from tuki.tickets.services import ticket_create
from tuki.timesheets.services import estimate_approve, estimate_propose, time_entry_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worked(agent: Any, anna: Any, bertil: Any, unit_a: Any, agreement_a: Any, agreement_b: Any) -> Any:
    """A request of org A with an approved estimate split 60/40 and some time on it; a request of org B."""
    today = timezone.localdate()
    sales = business_unit_create(organisation=anna.contact.organisation, name="Sales")
    request_a = ticket_create(actor=anna, requester=anna.contact, subject="Raportti ei aukea")
    request_b = ticket_create(actor=bertil, requester=bertil.contact, subject="Rapporten öppnas inte")
    estimate = estimate_propose(
        actor=agent, ticket=request_a, basis="hours", minutes=240, description="Raportin laajennus"
    )
    estimate_approve(actor=anna, estimate=estimate, version=1, split={unit_a.pk: 60, sales.pk: 40})
    time_entry_log(actor=agent, ticket=request_a, day=today, minutes=45, kind="help_desk", description="Neuvonta")
    time_entry_log(
        actor=agent, ticket=request_a, day=today, minutes=90, kind="additional", description="Raportin laajennus"
    )
    waiting = ticket_create(actor=anna, requester=anna.contact, subject="Uusi raportti")
    estimate_propose(actor=agent, ticket=waiting, basis="hours", minutes=480, description="Uusi kuukausiraportti")
    time_entry_log(actor=agent, ticket=request_b, day=today, minutes=30, kind="help_desk", description="Org B")
    return request_a


def _clock_seconds(page: Page) -> int:
    hours, minutes, seconds = (int(part) for part in page.locator(".timer-clock").inner_text().split(":"))
    return hours * 3600 + minutes * 60 + seconds


def test_the_agent_times_work_on_a_request(page: Page, live_server: Any, browser: Browser, worked: Any) -> None:
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    url = f"{live_server.url}/desk/requests/{worked.identifier}/"
    page.goto(url)
    timer = page.locator(".timer-card")
    timer.get_by_label("Työn laji").select_option("maintenance")
    timer.get_by_label("Kuvaus asiakkaalle").fill("Raportin korjaus")
    timer.get_by_role("button", name="Käynnistä ajastin").click()
    expect(page.locator(".messages")).to_contain_text("Ajastin on käynnissä.")
    expect(timer.locator(".badge")).to_have_text("Käynnissä")
    expect(page.locator(".timer-clock")).to_have_text(re.compile(r"^0:00:0[2-9]$"), timeout=5000)  # it ticks
    screenshot(page, "desk-request-timer-fi")

    page.reload()  # the server keeps the timer: it runs on, from where it was
    expect(timer.locator(".badge")).to_have_text("Käynnissä")
    assert _clock_seconds(page) >= 2
    other_tab = page.context.new_page()
    other_tab.goto(url)
    expect(other_tab.locator(".timer-card .badge")).to_have_text("Käynnissä")
    other_tab.close()

    timer.get_by_role("button", name="Tauko").click()
    expect(timer.locator(".badge")).to_have_text("Tauolla")
    paused_at = _clock_seconds(page)
    page.wait_for_timeout(1200)
    assert _clock_seconds(page) == paused_at  # a paused clock does not tick
    timer.get_by_role("button", name="Pysäytä").click()
    expect(page.locator(".messages")).to_contain_text("Ajastin pysäytettiin kohdassa 0 h 01 min.")
    expect(timer.get_by_label("Minuutit", exact=True)).to_have_value("1")
    expect(timer.get_by_label("Työn laji")).to_have_value("maintenance")
    expect(timer.get_by_label("Kuvaus asiakkaalle")).to_have_value("Raportin korjaus")
    screenshot(page, "desk-request-timer-stopped-fi")
    timer.get_by_label("Minuutit", exact=True).fill("25")
    timer.get_by_role("button", name="Kirjaa aika").click()

    expect(page.locator(".messages")).to_contain_text(f"0 h 25 min kirjattu tukipyyntöön {worked.identifier}.")
    kinds = page.locator(".time-by-kind")
    expect(kinds).to_contain_text(re.compile(r"Ylläpito\s*0 h 25 min"))
    expect(kinds).to_contain_text(re.compile(r"Lisätyö\s*1 h 30 min"))
    expect(kinds).to_contain_text("2 h 40 min")
    expect(page.locator(".request-estimate")).to_contain_text("Hyväksytty")
    expect(page.locator(".request-estimate")).to_contain_text("Anna Asiakas")
    expect(timer.get_by_role("button", name="Käynnistä ajastin")).to_be_visible()
    screenshot(page, "desk-request-time-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    assert page.console_problems == []  # type: ignore[attr-defined]


def test_anna_reads_the_costs_by_business_unit(page: Page, live_server: Any, browser: Browser, worked: Any) -> None:
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.goto(f"{live_server.url}/portal/quota/")
    costs = page.locator("table.unit-costs")
    expect(costs.locator("tbody tr")).to_have_count(2)
    expect(costs).to_contain_text(re.compile(r"Finance\s*0 h 54 min\s*85,50 €"))
    expect(costs).to_contain_text(re.compile(r"Sales\s*0 h 36 min\s*57,00 €"))
    expect(costs.locator("tfoot")).to_contain_text("142,50 €")
    expect(page.locator(".estimates-waiting")).to_contain_text("Uusi raportti: 760,00 € (8 h 00 min)")
    assert "Org B" not in page.content()
    screenshot(page, "portal-quota-costs-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    assert page.console_problems == []  # type: ignore[attr-defined]
