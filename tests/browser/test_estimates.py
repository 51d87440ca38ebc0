"""An estimate of additional work in a real browser: the agent proposes it on the request's time page, and anna
approves it in the portal, splitting the costs 60/40 between two business units."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.accounts.services import business_unit_create
from tuki.tickets.services import ticket_create
from tuki.timesheets.models import CostShare, Estimate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Any:
    return ticket_create(actor=anna, requester=anna.contact, subject="Uusi kuukausiraportti")


def test_anna_approves_an_estimate_with_a_60_40_split(
    page: Page, live_server: Any, browser: Browser, agent: Any, org_a: Any, unit_a: Any, request_a: Any
) -> None:
    sales = business_unit_create(organisation=org_a, name="Sales")
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{request_a.identifier}/time/")
    page.get_by_label("Arvioidut tunnit").fill("12")
    page.get_by_label("Työn kuvaus").fill("Uusi kuukausiraportti tietovarastosta")
    page.get_by_role("button", name="Lähetä hyväksyttäväksi").click()
    expect(page.locator(".messages")).to_contain_text("lähetetty asiakkaan vastuuhenkilöille")
    expect(page.locator(".estimate-card")).to_contain_text("Odottaa hyväksyntää")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.context.clear_cookies()

    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.get_by_role("link", name="Kiintiö ja kustannukset").click()
    page.get_by_role("link", name=f"{request_a.identifier} Uusi kuukausiraportti").click()
    expect(page.locator(".estimate-figures")).to_contain_text("1140,00 €")
    page.get_by_label("Finance, osuus (%)").fill("60")
    page.get_by_label("Sales, osuus (%)").fill("40")
    screenshot(page, "portal-estimate-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.get_by_role("button", name="Hyväksy kustannusarvio").click()
    expect(page.locator(".messages")).to_contain_text("Kustannusarvio on hyväksytty")
    expect(page.locator(".cost-split")).to_contain_text("Finance: 60 %")
    expect(page.locator(".cost-split")).to_contain_text("Sales: 40 %")
    estimate = Estimate.objects.get()
    assert (estimate.state, estimate.decided_by_id) == ("approved", request_a.requester.user_id)
    assert {s.business_unit_id: s.percent for s in CostShare.objects.all()} == {unit_a.pk: 60, sales.pk: 40}
    assert page.console_problems == []  # type: ignore[attr-defined]
