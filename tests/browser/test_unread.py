"""A contact answers in the portal; the agent sees the new message marked in the queue until opening the request."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_contacts_reply_is_marked_in_the_queue_until_an_agent_opens_it(
    page: Page, live_server: Any, browser: Browser, agent: Any, anna: Any, agreement_a: Any
) -> None:
    answered = ticket_create(actor=anna, requester=anna.contact, subject="Raportti ei aukea")
    quiet = ticket_create(actor=anna, requester=anna.contact, subject="Tulostin ei tulosta")

    customer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    portal = customer.new_page()
    log_in(portal, live_server.url, "anna@org-a.example", PASSWORD)
    portal.goto(f"{live_server.url}/portal/requests/{answered.identifier}/")
    portal.locator("#reply-body").fill("Virhe tulee vain Firefoxilla.")
    portal.locator("form[action$='/reply/'] button[type=submit]").click()
    portal.wait_for_load_state()
    customer.close()
    assert Ticket.objects.get(pk=answered.pk).unread_message_at is not None

    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/")
    marked = page.locator("table.queue tr", has_text=answered.identifier)
    expect(marked.locator(".unread-badge")).to_have_text("Uusi viesti")
    expect(page.locator("table.queue tr", has_text=quiet.identifier).locator(".unread-badge")).to_have_count(0)
    expect(page.locator(".queue-tabs a[href^='?queue=unread']")).to_have_text("Uudet viestit1")
    screenshot(page, "desk-queue-unread-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []

    page.locator(".queue-tabs a[href^='?queue=unread']").click()
    page.wait_for_load_state()
    expect(page.locator("table.queue tbody tr")).to_have_count(1)

    marked.get_by_role("link", name=answered.identifier).click()
    page.wait_for_url(f"**/desk/requests/{answered.identifier}/")
    expect(page.locator(".timeline")).to_contain_text("Virhe tulee vain Firefoxilla.")
    expect(page.locator("#assign-to-me")).to_be_checked()
    screenshot(page, "desk-request-assign-to-me-fi")

    page.goto(f"{live_server.url}/desk/")
    expect(page.locator("table.queue tr", has_text=answered.identifier)).to_be_visible()
    expect(page.locator("table.queue .unread-badge")).to_have_count(0)
    expect(page.locator(".queue-tabs a[href^='?queue=unread']")).to_have_text("Uudet viestit0")
    assert page.console_problems == []  # type: ignore[attr-defined]
