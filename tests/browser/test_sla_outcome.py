"""A request cancelled before anyone answered shows no SLA outcome, on its page and in the queue alike."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in
from tests.conftest import PASSWORD
from tuki.tickets.models import State
from tuki.tickets.services import ticket_create, ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cancelled_request_reads_no_outcome_on_the_page_and_in_the_queue(
    page: Page, live_server: Any, browser: Browser, agent: Any, anna: Any, agreement_a: Any
) -> None:
    cancelled = ticket_create(actor=anna, requester=anna.contact, subject="Ei tarvita enää")
    ticket_transition(actor=anna, ticket=cancelled, to=State.CANCELLED)

    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/?queue=all")
    row = page.locator("table.queue tr", has_text=cancelled.identifier)
    expect(row.locator(".sla-badge")).to_have_text("Ei tulosta")

    row.get_by_role("link", name=cancelled.identifier).click()
    page.wait_for_url(f"**/desk/requests/{cancelled.identifier}/")
    clocks = page.locator(".sla-card")
    expect(clocks.locator(".sla-no_outcome")).to_have_count(2)
    expect(clocks.locator(".sla-met")).to_have_count(0)
    expect(clocks).to_contain_text("Pyyntö peruttiin")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
