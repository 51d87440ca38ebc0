"""The request page's one submit, its state list and the desk's keyboard shortcuts, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.environments.models import Environment
from tuki.tickets.models import EventKind, State, Ticket
from tuki.tickets.services import ticket_create, ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    ticket = ticket_create(
        actor=anna, requester=anna.contact, subject="Intranetin haku ei löydä uusia sivuja", description="Haku vanha."
    )
    Environment.objects.create(organisation=ticket.organisation, name="Intranet, tuotanto")
    return ticket


def test_one_click_replies_and_sets_waiting_with_one_mail(
    page: Page, live_server: Any, browser: Browser, agent: Any, request_a: Ticket
) -> None:
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{request_a.identifier}/")
    button = page.locator("#act-submit")
    expect(button).to_have_text("Tallenna")  # nothing written, nothing chosen
    page.locator("#message-body").fill("Voitteko lähettää kuvakaappauksen?")
    expect(button).to_have_text("Lähetä")
    page.locator("#next-state").select_option(State.WAITING.value)
    expect(button).to_have_text("Lähetä ja odota asiakasta")
    page.get_by_label("Sisäinen muistiinpano").check()
    expect(button).to_have_text("Tallenna ja odota asiakasta")
    page.get_by_label("Vastaus asiakkaalle").check()
    mail.outbox.clear()  # the filing's own mail to the desk
    screenshot(page, "desk-request-act-fi")
    button.click()
    page.wait_for_load_state()

    expect(page.locator(".messages")).to_contain_text("Vastaus lähetetty.")
    expect(page.locator(".messages")).to_contain_text("Tila on nyt ”Odottaa asiakasta”.")
    request_a.refresh_from_db()
    assert request_a.state == State.WAITING
    assert request_a.events.filter(kind=EventKind.REPLY).count() == 1
    assert [message.to for message in mail.outbox] == [["anna@org-a.example"]]
    assert "Odottaa asiakasta" in mail.outbox[0].body and "kuvakaappauksen" in mail.outbox[0].body
    assert page.console_problems == []  # type: ignore[attr-defined]
    assert axe_violations(browser, page.url, page.context.cookies()) == []


def test_after_resolving_nothing_preselected_reopens(
    page: Page, live_server: Any, agent: Any, request_a: Ticket
) -> None:
    ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{request_a.identifier}/")
    expect(page.locator("#next-state")).to_have_value("")
    expect(page.locator("#current-state")).to_have_text("Nykyinen tila: Ratkaistu")
    expect(page.locator("#next-state option")).to_have_text(["Pidä ennallaan", "Avaa uudelleen"])
    page.get_by_label("Sisäinen muistiinpano").check()
    page.locator("#message-body").fill("Asiakas kuittaa huomenna.")
    page.locator("#act-submit").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Muistiinpano tallennettu.")
    request_a.refresh_from_db()
    assert request_a.state == State.RESOLVED


def test_keyboard_moves_through_the_queue_and_acts_on_a_request(
    page: Page, live_server: Any, browser: Browser, agent: Any, anna: Any, request_a: Ticket
) -> None:
    ticket_create(actor=anna, requester=anna.contact, subject="Toinen pyyntö")
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/?queue=all")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Pikanäppäimet")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Jono: seuraava tai edellinen tukipyyntö")
    screenshot(page, "desk-shortcuts-fi")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    rows = page.locator("table.queue tbody tr td a[href]")
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(0)).to_be_focused()
    target = rows.nth(0).inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/desk/requests/{target}/")

    page.keyboard.press("r")
    body = page.locator("#message-body")
    expect(body).to_be_focused()
    page.keyboard.type("r j k ?")  # typed into the field: text, not shortcuts
    expect(body).to_have_value("r j k ?")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Vastaus lähetetty.")
    assert Ticket.objects.get(pk=int(target.split("-")[1])).events.filter(kind=EventKind.REPLY, body="r j k ?").exists()
    assert page.console_problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [1366, 375])
def test_the_request_page_in_finnish_at_desk_and_phone_widths(
    page: Page, live_server: Any, agent: Any, request_a: Ticket, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{request_a.identifier}/")
    page.locator(".more-actions summary").click()
    expect(page.locator("#merge-into")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot(page, f"desk-request-fi-{width}")
