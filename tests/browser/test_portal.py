"""Online Support Services in a real browser: a visitor reads the services, anna files and follows a request to
its resolution, bertil cannot reach it; in Finnish, Swedish and English, accessible, with nothing untranslated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD, speaks
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_reply, ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCALE = Path(__file__).resolve().parents[2] / "tuki" / "locale"
LABELS = {
    "fi": {"email": "Sähköpostiosoite", "password": "Salasana", "login": "Kirjaudu sisään", "file": "Tee tukipyyntö"},
}


def _catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr of one language's catalogue (single-line entries are enough for this check)."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, flags=re.MULTILINE)
    return {msgid: msgstr for msgid, msgstr in pairs}


def untranslated(text: str, language: str) -> list[str]:
    """Interface strings that show in the wrong language: English source text on a Swedish page, Finnish
    translations on an English page (only sentences long enough not to be names or shared words)."""
    if language == "sv":
        suspects = [msgid for msgid, msgstr in _catalogue("sv").items() if msgid != msgstr]
    elif language == "en":
        suspects = [msgstr for msgid, msgstr in _catalogue("fi").items() if msgid != msgstr]
    else:
        suspects = [msgid for msgid, msgstr in _catalogue("fi").items() if msgid != msgstr]
    return [s for s in suspects if len(s) >= 14 and "%(" not in s and s in text]


@pytest.fixture
def handbook_article(agent: Any) -> Any:
    from tuki.handbook.services import article_save

    return article_save(
        actor=agent,
        title="Tulostin ei tulosta",
        body="Tarkista ensin, että tulostusjono ei ole jumissa.",
        language="fi",
        public_to_all=True,
        published=True,
    )


def test_visitor_reads_the_services_and_how_to_reach_support(page: Page, live_server: Any, browser: Browser) -> None:
    from tuki.demo.catalogue import seed_catalogue

    seed_catalogue()
    page.goto(live_server.url)
    page.locator(".service-card a, a[href^='/services/']").first.click()
    page.wait_for_url("**/services/**")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "service-description-fi")
    assert axe_violations(browser, page.url, []) == []
    page.goto(f"{live_server.url}/contact/")
    expect(page.locator("main")).to_contain_text("+358 9 4242 4242")
    expect(page.locator("main")).to_contain_text("tuki@example.com")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_anna_files_and_follows_a_request_to_resolution(
    page: Page,
    live_server: Any,
    browser: Browser,
    anna: Any,
    agent: Any,
    bertil: Any,
    agreement_a: Any,
    handbook_article: Any,
    tmp_path: Path,
    language: str,
) -> None:
    speaks(anna, language)
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    texts = [page.inner_text("body")]
    page.goto(f"{live_server.url}/portal/requests/new/")
    page.locator("#id_subject").fill("Tulostin ei tulosta")
    page.locator("#id_description").press_sequentially("Tulostin ei tulosta mitään.", delay=5)
    expect(page.locator("#suggestions a")).to_contain_text("Tulostin ei tulosta")
    screenshot(page, f"portal-new-request-{language}")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    texts.append(page.inner_text("body"))
    shot = tmp_path / "error.png"
    shot.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    page.locator("#id_attachments").set_input_files(str(shot))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/portal/requests/SR-*/")
    ticket = Ticket.objects.get(subject="Tulostin ei tulosta")
    assert ticket.attachments.get().name == "error.png"

    ticket_reply(actor=agent, ticket=ticket, body="Onko tulostin päällä?")
    ticket_transition(actor=agent, ticket=ticket, to=State.WAITING)
    page.reload()
    expect(page.locator(".timeline")).to_contain_text("Onko tulostin päällä?")
    page.locator("#reply-body").fill("On, ja valo palaa.")
    page.locator("form:has(#reply-body) button[type=submit]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
    ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED)
    page.reload()
    texts.append(page.inner_text("body"))
    screenshot(page, f"portal-request-resolved-{language}")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.locator("form:has(input[value=closed]) button").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    for path in (
        "/portal/",
        "/portal/requests/?status=all",
        "/portal/handbook/",
        "/portal/agreement/",
        "/portal/profile/",
    ):
        page.goto(f"{live_server.url}{path}")
        texts.append(page.inner_text("body"))
        if language == "fi":
            assert axe_violations(browser, page.url, page.context.cookies()) == [], path
    screenshot(page, f"portal-profile-{language}")
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert untranslated("\n".join(texts), language) == []

    page.context.clear_cookies()
    log_in(page, live_server.url, "bertil@org-b.example", PASSWORD)
    response = page.goto(f"{live_server.url}/portal/requests/{ticket.identifier}/")
    assert response is not None and response.status == 404
    page.goto(f"{live_server.url}/portal/requests/?status=all")
    expect(page.locator("main")).not_to_contain_text(ticket.identifier)


def test_portal_pages_fit_a_phone(browser: Browser, live_server: Any, anna: Any, agreement_a: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="fi-FI", is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    for path in ("/portal/", "/portal/requests/new/", "/portal/requests/", "/portal/handbook/", "/portal/agreement/"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            "() => Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > 376).map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert width <= 375, (path, width, wide)
    screenshot(page, "portal-agreement-phone-fi")
    context.close()
