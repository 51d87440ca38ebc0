"""The catalogue in a real browser: front page cards, a service page and the contact page pass axe and fit a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, screenshot
from tuki.demo.catalogue import seed_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_page_with_the_catalogue(page: Page, live_server: Any, browser: Browser) -> None:
    seed_catalogue()
    page.goto(live_server.url)
    expect(page).to_have_title("Customer Care Center · Tuki Demo Oy")
    cards = page.locator(".service-card")
    expect(cards).to_have_count(4)
    expect(cards.first).to_contain_text("Tukipalvelu ja päivystys")
    screenshot(page, "front-catalogue-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, live_server.url, []) == []

    cards.nth(1).click()  # the whole card is the link
    expect(page).to_have_url(f"{live_server.url}/services/yllapito-ja-yllapitokiintio/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ylläpito ja ylläpitokiintiö")
    expect(page.locator(".service-includes li").first).to_be_visible()
    screenshot(page, "service-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, page.url, []) == []


def test_service_page_in_swedish_and_the_list(page: Page, live_server: Any, browser: Browser) -> None:
    seed_catalogue()
    page.goto(f"{live_server.url}/services/")
    page.get_by_label("Kieli").select_option("sv")
    page.wait_for_url(f"{live_server.url}/services/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=2).first).to_have_text("Supporttjänst och jour")
    screenshot(page, "services-sv")
    assert axe_violations(browser, page.url, []) == []
    page.get_by_role("link", name="Livscykelhantering av miljöer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Livscykelhantering av miljöer")
    screenshot(page, "service-sv")


def test_contact_page(page: Page, live_server: Any, browser: Browser) -> None:
    page.goto(f"{live_server.url}/contact/")
    expect(page.locator("#on-call")).to_be_visible()
    screenshot(page, "contact-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, page.url, []) == []


def test_service_page_fits_a_phone(browser: Browser, live_server: Any) -> None:
    seed_catalogue()
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="fi-FI", is_mobile=True)
    phone = context.new_page()
    for path in ("/", "/services/tukipalvelu-ja-paivystys/", "/contact/"):
        phone.goto(f"{live_server.url}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, path
    screenshot(phone, "service-phone-fi")
    context.close()
