"""A change's whole way in a real browser: the agent turns anna's request into a normal change for her production
environment, anna approves it in the portal, the agent schedules and implements it, the component's version moves,
and anna finds the change in the environment's timeline and in her calendar feed (fetched without logging in from
the link her page shows). The desk's change calendar warns of an overlap. bertil finds none of it anywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tuki.changes.models import Change
from tuki.changes.services import change_create, change_transition
from tuki.environments.models import Component, ComponentKind, Environment, EnvironmentKind
from tuki.environments.services import component_add, environment_create
from tuki.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def production_a(agent: Any, org_a: Any) -> Environment:
    return environment_create(
        actor=agent,
        organisation=org_a,
        name="Intranet, tuotanto",
        kind=EnvironmentKind.PRODUCTION,
        internal_notes="Pekka tietää palvelimen salasanan paikan",
    )


@pytest.fixture
def intranet(agent: Any, production_a: Environment) -> Component:
    return component_add(
        actor=agent, environment=production_a, name="Intranet", kind=ComponentKind.APPLICATION, version="1.0"
    )


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _feed(browser: Browser, url: str) -> Any:
    """The feed as a calendar program fetches it: no cookies, no login."""
    context = browser.new_context()
    response = context.request.get(url)
    status, body = response.status, response.text()
    context.close()
    return status, body


def test_a_request_becomes_a_change_that_anna_approves_and_sees_in_her_calendar(
    page: Page,
    live_server: Any,
    browser: Browser,
    agent: Any,
    anna: Any,
    bertil: Any,
    agreement_a: Any,
    production_a: Environment,
    intranet: Component,
    settings: Any,
) -> None:
    settings.TUKI_BASE_URL = live_server.url  # the address the feed link is given at
    request = ticket_create(
        actor=anna, requester=anna.contact, subject="Intranetin päivitys", environment=production_a, priority=3
    )
    start = (timezone.now() + timedelta(days=2)).replace(hour=16, minute=0, second=0, microsecond=0)
    # Another change already planned on the same environment at the same time: the calendar must warn of it.
    other = change_create(
        actor=agent,
        organisation=production_a.organisation,
        title="Varmenteen uusiminen",
        environments=[production_a],
        planned_start=start + timedelta(hours=1),
        planned_end=start + timedelta(hours=3),
    )
    change_transition(actor=agent, change=other, to="proposed")

    # The agent makes a normal change of anna's request and puts it to her.
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/requests/{request.identifier}/")
    page.get_by_role("link", name="Tee siitä muutos").click()
    expect(page.get_by_label("Otsikko")).to_have_value("Intranetin päivitys")
    page.get_by_label("Ympäristö").select_option(label="Intranet, tuotanto")
    page.get_by_label("Komponentti").select_option(label="Intranet 1.0")
    page.get_by_label("Versio muutoksen jälkeen").fill("2.0")
    page.get_by_label("Suunniteltu alku").fill(_local(start))
    page.get_by_label("Suunniteltu loppu").fill(_local(start + timedelta(hours=2)))
    page.get_by_role("button", name="Kirjaa muutos").click()
    expect(page.locator(".messages")).to_contain_text("päällekkäin")  # the overlap, as a warning
    change = Change.objects.exclude(pk=other.pk).get()
    expect(page.locator("h1")).to_contain_text(change.identifier)
    expect(page.locator("#overlaps-title")).to_be_visible()
    page.get_by_role("button", name="Ehdota").click()
    expect(page.locator(".page-head")).to_contain_text("Ehdotettu")
    page.context.clear_cookies()

    # anna approves it in the portal, where it waits for her.
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    expect(page.locator("#changes-waiting-title")).to_contain_text("Hyväksyntääsi odottavat muutokset")
    page.locator("section.attention").get_by_role("link", name=change.identifier).click()
    page.get_by_role("button", name="Hyväksy").click()
    expect(page.locator(".messages")).to_contain_text("Hyväksytty")
    page.context.clear_cookies()

    # The agent schedules and implements it; the calendar shows it with the overlap warning.
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    page.goto(f"{live_server.url}/desk/changes/{change.identifier}/")
    page.get_by_role("button", name="Ajoita").click()
    expect(page.locator(".messages")).to_contain_text(other.identifier)
    page.goto(f"{live_server.url}/desk/changes/")
    page.get_by_role("link", name="Muutoskalenteri").click()
    page.goto(f"{page.url}?month={timezone.localtime(start):%Y-%m}")
    expect(page.locator("#overlaps-title")).to_contain_text("Varoitus")
    expect(page.locator(".change-calendar")).to_contain_text(change.identifier)
    screenshot(page, "desk-change-calendar-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.locator(f'.day-number a[href*="day={timezone.localtime(start).date().isoformat()}"]').click()
    expect(page.locator("#agenda")).to_contain_text("Intranetin päivitys")
    page.goto(f"{live_server.url}/desk/changes/{change.identifier}/")
    page.get_by_role("button", name="Merkitse toteutetuksi").click()
    expect(page.locator(".page-head")).to_contain_text("Toteutettu")
    intranet.refresh_from_db()
    assert intranet.version == "2.0"
    page.context.clear_cookies()

    # anna sees the change and the new version in the environment's timeline ...
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.get_by_role("link", name="Ympäristöt").first.click()
    page.get_by_role("link", name="Intranet, tuotanto").click()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text(change.identifier)
    expect(timeline).to_contain_text("Intranet: versio 2.0")
    expect(page.locator("body")).not_to_contain_text("Pekka")  # internal notes stay on the desk
    # ... and in her calendar feed, from the link her page shows.
    page.get_by_role("link", name="Ympäristöt").first.click()
    page.get_by_role("link", name="Tilaa muutokset omaan kalenteriisi").click()
    page.get_by_role("button", name="Luo kalenterilinkki").click()
    url = page.locator("#feed-url").input_value()
    screenshot(page, "portal-calendar-feed-fi")
    assert axe_violations(browser, f"{live_server.url}/portal/calendar/", page.context.cookies()) == []
    status, body = _feed(browser, url)
    assert status == 200
    events = {str(event["UID"]).split("@")[0]: event for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    event = events[change.identifier.lower()]
    assert str(event["SUMMARY"]).startswith(f"{change.identifier} Intranetin päivitys")
    assert event.decoded("DTSTART") == start and event.decoded("DTEND") == start + timedelta(hours=2)
    assert str(event["URL"]).endswith(f"/portal/changes/{change.identifier}/")
    assert "Pekka" not in body
    assert page.console_problems == []  # type: ignore[attr-defined]
    page.context.clear_cookies()

    # bertil finds none of it: not by address, not in his own feed, not with a guess at anna's.
    log_in(page, live_server.url, "bertil@org-b.example", PASSWORD)
    for path in (
        f"/portal/changes/{change.identifier}/",
        f"/portal/environments/{production_a.pk}/",
        "/desk/changes/calendar/",
        f"/desk/changes/{change.identifier}/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
    page.goto(f"{live_server.url}/portal/environments/")
    expect(page.locator("body")).not_to_contain_text("Intranet")
    page.goto(f"{live_server.url}/portal/calendar/")
    page.get_by_role("button", name="Skapa en kalenderlänk").click()
    status, own = _feed(browser, page.locator("#feed-url").input_value())
    assert status == 200 and "Intranet" not in own and change.identifier not in own
    token = url.split("token=")[1]
    status, _body = _feed(browser, url.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB")))
    assert status == 404
