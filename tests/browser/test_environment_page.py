"""An environment in a real browser: an agent adds an address and records a new version on the desk's environment
page; anna reads the edited environment in the portal, with its addresses and contacts and without the supplier's
internal notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.changes.conftest import make_change
from tests.conftest import PASSWORD
from tuki.changes.services import change_transition
from tuki.environments.models import Environment
from tuki.environments.services import address_add, component_add, environment_create, environment_update
from tuki.tickets.services import ticket_create
from tuki.timesheets.services import time_entry_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTES = "Klusterin uudelleenkäynnistys vain Pekan luvalla"


@pytest.fixture
def production(agent: Any, anna: Any, agreement_a: Any) -> Environment:
    environment = environment_create(
        actor=agent,
        organisation=anna.contact.organisation,
        name="Intranet, tuotanto",
        kind="production",
        agreement=agreement_a,
        internal_notes=NOTES,
        secrets_location="vault:/org-a/intranet",
        now=timezone.now() - timedelta(days=90),
    )
    component_add(actor=agent, environment=environment, name="Intranet", kind="application", version="4.2")
    component_add(actor=agent, environment=environment, name="PostgreSQL", kind="database", version="15.6")
    address_add(actor=agent, environment=environment, label="Julkinen sivusto", address="https://intra.org-a.example")
    environment_update(
        actor=agent, environment=environment, customer_contacts=[anna.contact], supplier_contacts=[agent]
    )
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Haku on hidas", environment=environment)
    today = timezone.localdate()
    time_entry_log(actor=agent, ticket=ticket, day=today, minutes=90, kind="maintenance", description="Indeksit")
    change = make_change(agent, environment, tickets=[ticket])
    change_transition(actor=agent, change=change, to="proposed")
    time_entry_log(actor=agent, change=change, day=today, minutes=30, kind="help_desk", description="Suunnittelu")
    return environment


def test_agent_edits_and_anna_reads_the_environment(
    page: Page, live_server: Any, browser: Browser, production: Environment
) -> None:
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/customers/")
    page.get_by_role("link", name="Intranet, tuotanto").click()
    expect(page.locator("h1")).to_have_text("Intranet, tuotanto")
    page.get_by_text("Lisää osoite").first.click()
    page.get_by_label("Nimike").fill("Ylläpito")
    page.get_by_label("URL tai palvelimen nimi").fill("admin.intra.org-a.example")
    page.get_by_role("button", name="Lisää osoite").click()
    expect(page.locator(".messages")).to_contain_text("Osoite on lisätty.")
    page.get_by_text("Muokkaa Intranet").click()
    page.locator("input[name$='-version']").first.fill("4.3")
    page.get_by_role("button", name="Tallenna", exact=True).first.click()
    expect(page.locator(".messages")).to_contain_text("Komponentti ”Intranet” on tallennettu.")
    expect(page.locator("#history-title + .timeline")).to_contain_text("4.2 → 4.3")
    expect(page.locator("body")).to_contain_text("1 h 30 min")
    screenshot(page, "desk-environment-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    assert page.console_problems == []  # type: ignore[attr-defined]

    page.context.clear_cookies()
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.goto(f"{live_server.url}/portal/environments/{production.pk}/")
    expect(page.locator("h1")).to_have_text("Intranet, tuotanto")
    expect(page.locator("body")).to_contain_text("admin.intra.org-a.example")
    expect(page.locator("body")).to_contain_text("Aino Agentti")
    expect(page.locator(".timeline")).to_contain_text("Intranet: versio 4.3")
    assert NOTES not in page.content() and "vault:" not in page.content()
    screenshot(page, "portal-environment-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
