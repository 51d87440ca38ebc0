"""An agent works a request through the desk in a real browser: phone call to resolution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.handbook.services import article_save
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_logs_a_call_and_works_it_to_resolution(
    page: Page, live_server: Any, browser: Browser, agent: Any, anna: Any, agreement_a: Any, tmp_path: Path
) -> None:
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/phone/")
    page.locator("#id_requester").select_option(label="Anna Asiakas – Org A Oy")
    page.locator("#id_subject").fill("Tulostus ei toimi")
    page.locator("#id_description").fill("Anna soitti: tulostus jumittaa **aamulla**.")
    page.locator("#id_priority").select_option("2")
    screenshot(page, "desk-phone-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.locator("form button[type=submit].button-primary").click()
    page.wait_for_url("**/desk/requests/SR-*/")
    ticket = Ticket.objects.get(subject="Tulostus ei toimi")
    assert ticket.channel == "phone"
    expect(page.locator(".message-body strong")).to_have_text("aamulla")

    page.locator("#message-body").fill("Tarkistamme tulostinjonon.")
    page.locator("#act-submit").click()
    page.wait_for_load_state()
    log = tmp_path / "spooler.log"
    log.write_text("ERROR spooler stalled\n")
    page.get_by_label("Sisäinen muistiinpano").check()
    page.locator("#message-body").fill("Jono jumissa, ks. loki.")
    page.locator("#message-files").set_input_files(str(log))
    page.locator("#act-submit").click()
    page.wait_for_load_state()
    expect(page.locator(".timeline .internal .attachments a")).to_contain_text("spooler.log")

    page.locator("#assignee").select_option(label="Aino Agentti")
    page.locator("#next-state").select_option(State.WAITING.value)
    page.locator("#act-submit").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING
    assert ticket.assignee == agent
    assert ticket.first_responded_at is not None

    page.locator("#next-state").select_option(State.RESOLVED.value)
    page.locator("#act-submit").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED
    screenshot(page, "desk-request-resolved-fi")
    assert page.console_problems == []  # type: ignore[attr-defined]

    page.goto(f"{live_server.url}/desk/?queue=all")
    expect(page.locator("table.queue")).to_contain_text(ticket.identifier)
    screenshot(page, "desk-queue-all-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []


def test_agent_finds_and_links_a_handbook_article(
    page: Page, live_server: Any, browser: Browser, agent: Any, anna: Any, agreement_a: Any
) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Salasana unohtui")
    article = article_save(
        actor=agent,
        title="Salasanan vaihtaminen",
        body="Vaihda salasana.",
        language="fi",
        published=True,
        public_to_all=True,
    )
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{ticket.identifier}/")
    page.locator("#handbook-search").fill("salasana")  # results arrive while typing
    expect(page.locator("#handbook-picks")).to_contain_text("Salasanan vaihtaminen")
    page.locator("#handbook-picks button").click()
    page.wait_for_load_state()
    expect(page.locator(".linked-articles")).to_contain_text("Salasanan vaihtaminen")
    assert list(ticket.handbook_links.values_list("article", flat=True)) == [article.pk]
    assert page.console_problems == []  # type: ignore[attr-defined]

    page.goto(f"{live_server.url}/desk/handbook/link-to/{ticket.identifier}/?q=salasana")  # without JavaScript
    expect(page.locator("main")).to_contain_text("Hakua vastaavia artikkeleita ei löytynyt")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
