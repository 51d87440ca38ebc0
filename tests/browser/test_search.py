"""Searching in a real browser: the desk's queue and the portal's list show the matched words highlighted."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.tickets.services import ticket_create, ticket_note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_highlights_inflected_forms_on_desk_and_portal(
    page: Page, live_server: Any, browser: Browser, agent: Any, anna: Any, agreement_a: Any
) -> None:
    printer = ticket_create(
        actor=anna,
        requester=anna.contact,
        subject="Verkkotulostin ei tulosta",
        description="Kolmannen kerroksen verkkotulostimen jono on jumissa, eikä mikään tulostu.",
    )
    ticket_note(actor=agent, ticket=printer, body="Tulostimen huoltosopimus on voimassa.")
    ticket_create(actor=anna, requester=anna.contact, subject="Salasanan vaihto", description="Ei onnistu.")
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/?queue=all&q=tulostimet")
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    expect(page.locator(".search-snippet mark").first).to_have_text("verkkotulostimen")
    screenshot(page, "desk-search-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []

    page.context.clear_cookies()
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.goto(f"{live_server.url}/portal/requests/?status=all&q=tulostin")
    expect(page.locator(".search-snippet mark").first).to_be_visible()
    expect(page.get_by_text("huoltosopimus")).to_have_count(0)  # an internal note is never shown to a contact
    screenshot(page, "portal-search-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
