"""The monthly report in a real browser, in each language: what the customer manager reads, and WCAG's rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD, speaks
from tests.reports.months import at, generate_month
from tuki.reports.services import report_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = {"fi": "Kuukausiraportti", "sv": "Månadsrapport", "en": "Monthly report"}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_customer_manager_reads_the_report(
    page: Page,
    live_server: Any,
    browser: Browser,
    language: str,
    agent: Any,
    anna: Any,
    people_a: Any,
    environments_a: Any,
    agreement_a: Any,
) -> None:
    first = date(2026, 10, 1)
    generate_month(
        seed=5,
        first=first,
        agent=agent,
        manager_contact=anna.contact,
        contacts=people_a,
        environments=environments_a,
        requests=20,
    )
    report_make(organisation=anna.contact.organisation, month=first, now=at(date(2026, 11, 1), 6))
    speaks(anna, language)
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.goto(f"{live_server.url}/portal/reports/2026-10/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADINGS[language])
    expect(page.locator(".report-summary")).not_to_be_empty()
    screenshot(page, f"monthly-report-{language}")
    if language == "fi":
        assert axe_violations(browser, page.url, page.context.cookies()) == []
