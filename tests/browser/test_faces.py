"""The three faces of Tuki in a real browser: they render, obey the CSP, pass axe, and fit a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_page(page: Page, live_server: Any, browser: Browser) -> None:
    page.goto(live_server.url)
    expect(page).to_have_title("Customer Care Center · Tuki Demo Oy")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tuki Demo Oy")
    expect(page.get_by_role("link", name="Kirjaudu Online Support Services -palveluun")).to_be_visible()
    screenshot(page, "front-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, live_server.url, []) == []


def test_login_page_and_wrong_password(page: Page, live_server: Any, browser: Browser, anna: Any) -> None:
    log_in(page, live_server.url, "anna@org-a.example", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("Sähköpostiosoite tai salasana on väärin")
    screenshot(page, "login-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, f"{live_server.url}/accounts/login/", []) == []


def test_contact_reaches_the_portal(page: Page, live_server: Any, browser: Browser, anna: Any, bertil: Any) -> None:
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anna")
    expect(page.locator("main")).not_to_contain_text("Org B")
    screenshot(page, "portal-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, f"{live_server.url}/portal/", page.context.cookies()) == []


def test_agent_reaches_the_desk(
    page: Page, live_server: Any, browser: Browser, agent: Any, anna: Any, bertil: Any
) -> None:
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator("#queue-empty")).to_be_visible()
    screenshot(page, "desk-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, f"{live_server.url}/desk/", page.context.cookies()) == []
    page.goto(f"{live_server.url}/desk/customers/")
    expect(page.get_by_role("table")).to_contain_text("Org A Oy")
    expect(page.get_by_role("table")).to_contain_text("Org B Ab")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, f"{live_server.url}/desk/", page.context.cookies()) == []


def test_language_switcher_changes_the_page(page: Page, live_server: Any) -> None:
    page.goto(live_server.url)
    page.get_by_label("Kieli").select_option("sv")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name="Logga in").first).to_be_visible()
    screenshot(page, "front-sv")


def test_front_page_fits_a_phone(browser: Browser, live_server: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="fi-FI", is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "front-phone-fi")
    context.close()
    assert scroll_width <= 375


def test_request_pages_show_the_sla_clocks(
    page: Page, live_server: Any, browser: Browser, anna: Any, agent: Any, agreement_a: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tuki.tickets.models import State
    from tuki.tickets.services import ticket_create, ticket_transition

    ticket = ticket_create(
        actor=anna,
        requester=anna.contact,
        subject="Intranetin haku ei toimi",
        description="Haku palauttaa tyhjän sivun.",
        priority=2,
        now=timezone.now() - timedelta(days=3),
    )
    ticket_transition(actor=agent, ticket=ticket, to=State.IN_PROGRESS, now=timezone.now() - timedelta(days=2))
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{ticket.identifier}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Intranetin haku ei toimi")
    page.get_by_text("Miten määräaika on laskettu").first.click()
    screenshot(page, "desk-request-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.goto(f"{live_server.url}/desk/")
    screenshot(page, "desk-queue-fi")

    page.context.clear_cookies()
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.goto(f"{live_server.url}/portal/requests/{ticket.identifier}/")
    expect(page.locator(".sla-badge").first).to_be_visible()
    screenshot(page, "portal-request-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.goto(f"{live_server.url}/portal/agreement/")
    screenshot(page, "portal-agreement-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
