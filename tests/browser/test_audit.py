"""A manager reads the audit log in a real browser: a failed login, her own login and an agreement change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD, TARGETS
from tests.second_step import code_for, enrolled_device
from tuki.agreements.services import agreement_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_the_audit_log(
    page: Page, live_server: Any, browser: Browser, manager: Any, agreement_a: Any
) -> None:
    device = enrolled_device(manager)  # managers log in with a second step
    log_in(page, live_server.url, "manager@supplier.example", "not-the-password")
    log_in(page, live_server.url, "manager@supplier.example", PASSWORD)
    page.wait_for_url("**/accounts/two-step/verify/**")
    page.get_by_label("Koodi").fill(code_for(device))
    page.get_by_role("button", name="Jatka").click()
    page.wait_for_url("**/desk/")
    agreement_save(
        actor=manager,
        agreement=agreement_a,
        organisation=agreement_a.organisation,
        service_calendar=agreement_a.service_calendar,
        includes_on_call=True,
        on_call_calendar=agreement_a.on_call_calendar,
        targets=TARGETS | {1: (15, 240)},
        valid_from=date(2025, 1, 1),
        quota_hours=Decimal(40),
        hourly_rate=Decimal("95.00"),
    )
    page.goto(f"{live_server.url}/desk/")
    page.get_by_role("link", name="Tapahtumaloki").click()
    expect(page.locator("h1")).to_have_text("Tapahtumaloki")
    rows = page.locator("table.data tbody tr")
    expect(rows.nth(0)).to_contain_text("Sopimus muuttui")
    expect(rows.nth(0)).to_contain_text(": 30 min → 15 min")
    expect(rows.nth(1)).to_contain_text("Kirjautui sisään")
    expect(rows.nth(2)).to_contain_text("Epäonnistunut kirjautuminen")
    screenshot(page, "desk-audit-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.locator("#id_action").select_option("login_failed")
    page.get_by_role("button", name="Näytä").click()
    expect(rows).to_have_count(1)
    assert page.console_problems == []  # type: ignore[attr-defined]
