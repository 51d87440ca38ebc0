"""Every page at a laptop's 1366 px and a phone's 375 px, in Finnish, Swedish and English, with the long names
real customers have: nothing sticks out sideways, names are not squeezed letter by letter, the header menu is
one line on a laptop and a compact menu on a phone, and a phone still shows a request's state and service level."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser_fixtures import axe_violations, screenshot
from tests.conftest import PASSWORD, ROUND_THE_CLOCK, TARGETS, WORKWEEK
from tests.second_step import VerifyingClient
from tuki.accounts.services import business_unit_create, contact_create, organisation_create, staff_create
from tuki.agreements.services import agreement_save, calendar_save
from tuki.tickets.models import Priority
from tuki.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_ORGANISATION = "Pohjois-Pohjanmaan Kunnallisteknisten Palvelujen Tietohallintokeskus Oy"
LONG_CONTACT = "Anna-Kaarina Väisänen-Kärkkäinen"
LONG_AGENT = "Aino-Maria Agenttilainen-Pitkäniemi"
LONG_UNIT = "Taloushallinnon ja henkilöstöhallinnon yhteiset palvelut"
LONG_SUBJECT = "Kuukausiraportointijärjestelmän tietokantapalvelin ei vastaa kirjautumispyyntöihin aamuisin"
LANGUAGES = ["fi", "sv", "en"]
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
WIDTHS = [1366, 375]

# The page fits its viewport, and no name is squeezed into a sliver of a column: more than two lines, none of
# them wider than ten letters or so, is how "Cedar Systems Ltd" looked when it wrapped letter by letter.
MEASURE = """(names) => {
  const out = {overflow: document.scrollingElement.scrollWidth - innerWidth, wide: [], squeezed: []};
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > innerWidth + 1 && getComputedStyle(element).position !== 'absolute'
        && !element.closest('.visually-hidden, .table-card')) out.wide.push(element.tagName + '.' + element.className);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const name of names) {
      const at = node.data.indexOf(name);
      if (at < 0 || !node.parentElement.checkVisibility()) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + name.length);
      const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
      const em = parseFloat(getComputedStyle(node.parentElement).fontSize);
      const widest = Math.max(...Array.from(range.getClientRects(), (r) => r.width));
      const holder = node.parentElement.tagName + '.' + node.parentElement.className;
      if (tops.size > 2 && widest < 10 * em) out.squeezed.push([name, tops.size, holder]);
    }
  }
  out.wide = out.wide.slice(0, 5);
  return out;
}"""
NAV_LINES = (
    "() => new Set(Array.from(document.querySelectorAll('.main-nav li'), (li) => li.getBoundingClientRect().top)).size"
)


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    """A customer with a long name and open requests, and Cedar Systems Ltd, a customer with none."""
    manager = staff_create(
        email="manager@supplier.example", full_name="Maija Manageri", manager=True, password=PASSWORD
    )
    agent = staff_create(email="agent@supplier.example", full_name=LONG_AGENT, password=PASSWORD)
    hours = calendar_save(actor=manager, name="Office hours", weekly=WORKWEEK)
    on_call = calendar_save(actor=manager, name="On call", weekly=ROUND_THE_CLOCK, holiday_country="")
    long_org = organisation_create(name=LONG_ORGANISATION)
    cedar = organisation_create(name="Cedar Systems Ltd")
    unit = business_unit_create(organisation=long_org, name=LONG_UNIT)
    contact = contact_create(
        organisation=long_org,
        email="anna@long.example",
        full_name=LONG_CONTACT,
        business_unit=unit,
        customer_manager=True,
        password=PASSWORD,
    )
    contact_create(organisation=long_org, email="aaro@long.example", full_name="Aaro Aalto-Pitkänen")
    cedar_contact = contact_create(
        organisation=cedar,
        email="carl@cedar.example",
        full_name="Carl Cedarwood",
        customer_manager=True,
        password=PASSWORD,
    )
    contact_create(organisation=cedar, email="cecilia@cedar.example", full_name="Cecilia Cedarwood-Lindqvist")
    for organisation in (long_org, cedar):
        agreement_save(
            actor=manager,
            organisation=organisation,
            service_calendar=hours,
            includes_on_call=True,
            on_call_calendar=on_call,
            targets=TARGETS,
            valid_from=date(2025, 1, 1),
            quota_hours=Decimal(20),
            hourly_rate=Decimal("95.00"),
        )
    tickets = [
        ticket_create(actor=contact.user, requester=contact, subject=LONG_SUBJECT, priority=Priority.HIGH),
        ticket_create(actor=contact.user, requester=contact, subject="Tulostin ei tulosta"),
    ]
    return {
        "manager": manager,
        "agent": agent,
        "contact": contact.user,
        "cedar": cedar_contact.user,
        "tickets": tickets,
    }


def _context(browser: Browser, live_server: Any, user: Any, language: str, width: int) -> BrowserContext:
    """A browser signed in as ``user`` speaking ``language`` (the user's saved language wins over the browser's)."""
    if user is not None:
        type(user).objects.filter(pk=user.pk).update(language=language)
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 700 else 740},
        locale=LOCALES[language],
        is_mobile=width < 700,
    )
    if user is not None:
        client = VerifyingClient()  # staff pass the second step of login as they would
        client.force_login(user)
        host = urlparse(live_server.url).hostname
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
        )
    return context


def _check(page: Page, url: str, names: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    found = page.evaluate(MEASURE, names)
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert found["overflow"] <= 0, (url, width, found["wide"])
    assert found["squeezed"] == [], (url, width, found["squeezed"])
    if width >= 1366:
        assert page.evaluate(NAV_LINES) <= 1, (url, "the header menu wraps")


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


NAMES = [LONG_ORGANISATION, LONG_CONTACT, LONG_AGENT, LONG_UNIT, "Cedar Systems Ltd", "Cecilia Cedarwood-Lindqvist"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_a_laptop_and_a_phone_with_long_names(
    browser: Browser, live_server: Any, people: dict[str, Any], contexts: list[BrowserContext], language: str
) -> None:
    ticket = people["tickets"][0]
    public = ["/", "/services/", "/contact/", "/accounts/login/", "/accounts/password-reset/"]
    portal = [
        "/portal/",
        "/portal/requests/",
        "/portal/requests/new/",
        f"/portal/requests/{ticket.identifier}/",
        "/portal/agreement/",
        "/portal/profile/",
        "/portal/handbook/",
    ]
    desk = [
        "/desk/?queue=all",
        f"/desk/requests/{ticket.identifier}/",
        "/desk/phone/",
        "/desk/customers/",
        "/desk/preferences/",
        "/desk/handbook/",
        "/desk/mail/",
        "/desk/audit/",
    ]
    for width in WIDTHS:
        for user, paths in (
            (None, public),
            (people["contact"], portal),
            (people["cedar"], ["/portal/"]),
            (people["manager"], desk),
        ):
            context = _context(browser, live_server, user, language, width)
            contexts.append(context)
            page = context.new_page()
            for path in paths:
                _check(page, f"{live_server.url}{path}", NAMES)
            context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_screens_of_the_queue_the_request_and_the_dashboard(
    browser: Browser, live_server: Any, people: dict[str, Any], contexts: list[BrowserContext], language: str
) -> None:
    ticket = people["tickets"][0]
    for width in WIDTHS:
        shots = (
            (people["agent"], "/desk/?queue=all", "desk-queue"),
            (people["agent"], f"/desk/requests/{ticket.identifier}/", "desk-request"),
            (people["contact"], "/portal/", "portal-dashboard"),
            (people["cedar"], "/portal/", "portal-dashboard-empty"),
        )
        for user, path, name in shots:
            context = _context(browser, live_server, user, language, width)
            contexts.append(context)
            page = context.new_page()
            page.goto(f"{live_server.url}{path}")
            screenshot(page, f"layout-{name}-{language}-{width}")
            _check(page, f"{live_server.url}{path}", NAMES)
            assert axe_violations(browser, page.url, context.cookies()) == [], (path, width)
            context.close()


def test_the_phone_menu_opens_and_closes(browser: Browser, live_server: Any, people: dict[str, Any]) -> None:
    for user, path in ((people["agent"], "/desk/"), (people["contact"], "/portal/"), (None, "/")):
        context = _context(browser, live_server, user, "fi", 375)
        page = context.new_page()
        page.goto(f"{live_server.url}{path}")
        toggle = page.locator(".nav-toggle")
        nav = page.locator(".main-nav")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(nav).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("link").first).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
        page.keyboard.press("Escape")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(nav).to_be_hidden()
        expect(toggle).to_be_focused()
        toggle.click()
        toggle.click()
        expect(nav).to_be_hidden()
        context.close()
    # A laptop shows the menu itself and no button.
    context = _context(browser, live_server, people["agent"], "fi", 1366)
    page = context.new_page()
    page.goto(f"{live_server.url}/desk/")
    expect(page.locator(".nav-toggle")).to_be_hidden()
    expect(page.locator(".main-nav")).to_be_visible()
    context.close()


def test_without_javascript_the_phone_still_reaches_every_page(
    browser: Browser, live_server: Any, people: dict[str, Any]
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, java_script_enabled=False, locale="fi-FI")
    client = VerifyingClient()
    client.force_login(people["agent"])
    host = urlparse(live_server.url).hostname
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/desk/")
    expect(page.locator(".main-nav").get_by_role("link").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    context.close()


def _in_view(page: Page, selector: str) -> list[bool]:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector), (e) => {
             const box = e.getBoundingClientRect();
             return e.checkVisibility() && box.width > 0 && box.left >= 0 && box.right <= innerWidth;
           })""",
        selector,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_shows_each_requests_identifier_subject_state_and_service_level(
    browser: Browser, live_server: Any, people: dict[str, Any], language: str
) -> None:
    tickets = people["tickets"]
    for user, path in (
        (people["agent"], "/desk/?queue=all"),
        (people["contact"], "/portal/"),
        (people["contact"], "/portal/requests/"),
    ):
        context = _context(browser, live_server, user, language, 375)
        page = context.new_page()
        page.goto(f"{live_server.url}{path}")
        rows = page.locator("table.data tbody tr")
        expect(rows).to_have_count(len(tickets))
        for ticket in tickets:
            assert _in_view(page, f"table.data tbody a[href$='/{ticket.identifier}/']") == [True], path
        assert _in_view(page, "table.data tbody .sla-badge") == [True] * len(tickets), path
        for label in ("State", "Service level"):
            header = page.locator("table.data thead th").filter(has_text=_translated(label, language))
            assert _in_view(page, f"table.data thead th:nth-child({_column(page, header)})") == [True], (path, label)
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
        context.close()


def _translated(msgid: str, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(msgid)


def _column(page: Page, header: Any) -> int:
    return int(header.first.evaluate("(th) => Array.from(th.parentElement.children).indexOf(th) + 1"))
