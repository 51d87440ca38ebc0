"""Changes by their windows on the pages: upcoming maintenance and what waits for the customer in the portal, the
desk's month calendar across customers with its overlap warnings (also on the change page and when scheduling),
in a fixed number of queries; and another customer's contact finds none of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuki.accounts.models import Contact, User
from tuki.changes.models import Change, ChangeKind
from tuki.changes.services import change_transition, change_update
from tuki.environments.models import Environment
from tuki.environments.services import (
    address_add,
    component_add,
    component_retire,
    environment_create,
    environment_update,
)

from .windows import planned, scheduled

MARCH = datetime(2026, 3, 3, 16, tzinfo=UTC)  # 18:00 in Helsinki


def calendar_page(client: Client, **query: Any) -> str:
    response = client.get(reverse("desk:change_calendar"), query)
    assert response.status_code == 200
    return response.content.decode()


# The portal ---------------------------------------------------------------------------------------------------


def test_upcoming_windows_on_the_environments_page_and_the_overview(
    client: Client, agent: User, anna: User, production_a: Environment
) -> None:
    soon = scheduled(agent, production_a, title="Patch the intranet")
    later = scheduled(agent, production_a, title="Far away", start=timezone.now() + timedelta(days=60))
    over = scheduled(agent, production_a, title="Already over", start=timezone.now() - timedelta(days=2))
    client.force_login(anna)
    for name in ("portal:environments", "portal:dashboard"):
        page = client.get(reverse(name)).content.decode()
        assert "Tulevat huoltokatkot" in page
        assert soon.identifier in page and "Patch the intranet" in page
        assert later.title not in page and over.title not in page
    page = client.get(reverse("portal:environment", args=[production_a.pk])).content.decode()
    assert "Patch the intranet" in page


def test_changes_waiting_for_the_customer_are_put_to_customer_managers(
    client: Client, agent: User, anna: User, aaro: Contact, production_a: Environment
) -> None:
    to_approve = planned(agent, production_a, title="Needs approval")
    change_transition(actor=agent, change=to_approve, to="proposed")
    emergency = planned(agent, production_a, title="Done in a hurry", kind=ChangeKind.EMERGENCY)
    change_transition(actor=agent, change=emergency, to="proposed")
    change_transition(actor=agent, change=emergency, to="implemented")
    client.force_login(anna)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Needs approval" in page and "Done in a hurry" in page
    assert page.count('class="badge badge-warn"') == 2
    client.force_login(aaro.user)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Needs approval" in page  # shown to follow, as a customer manager's to give
    assert "Asiakkaan vastuuhenkilön hyväksyntää odottavat muutokset" in page


def test_bertil_sees_no_window_of_org_a(
    client: Client, agent: User, anna: User, bertil: User, production_a: Environment
) -> None:
    change = scheduled(agent, production_a, title="Patch the intranet")
    waiting = planned(agent, production_a, title="Needs approval")
    change_transition(actor=agent, change=waiting, to="proposed")
    client.force_login(bertil)
    for name in ("portal:environments", "portal:dashboard", "portal:calendar_link"):
        page = client.get(reverse(name)).content.decode()
        assert change.title not in page and waiting.title not in page
    assert client.get(reverse("portal:environment", args=[production_a.pk])).status_code == 404
    assert client.get(reverse("portal:change", args=[change.identifier])).status_code == 404
    assert client.get(reverse("desk:change_calendar")).status_code == 404


# The desk's calendar ----------------------------------------------------------------------------------------------


@pytest.fixture
def test_a(agent: User, org_a: Any) -> Environment:
    return environment_create(actor=agent, organisation=org_a, name="Intranet, test")


def test_the_month_shows_changes_by_day_with_filters(
    client: Client, agent: User, anna: User, bertil: User, production_a: Environment, production_b: Environment
) -> None:
    Contact.objects.filter(user=bertil).update(is_customer_manager=True)
    ours = scheduled(agent, production_a, start=MARCH, title="Patch the intranet")
    theirs = scheduled(agent, production_b, start=MARCH + timedelta(days=1), title="Uppgradera ekonomin")
    april = planned(agent, production_a, start=MARCH + timedelta(days=30), title="In April")
    client.force_login(agent)
    page = calendar_page(client, month="2026-03")
    assert ours.identifier in page and theirs.identifier in page and april.identifier not in page
    assert "18.00 Org A Oy" in page  # in local time, in Finnish
    page = calendar_page(client, month="2026-03", organisation=ours.organisation_id)
    assert ours.identifier in page and theirs.identifier not in page
    page = calendar_page(client, month="2026-03", state="draft")
    assert ours.identifier not in page
    page = calendar_page(client, month="2026-04", state="draft")
    assert april.identifier in page
    # A day's agenda lists the changes with their environments and titles.
    page = calendar_page(client, month="2026-03", day="2026-03-03")
    assert "Patch the intranet" in page and "Intranet, production" in page
    # A month that is no month shows this one; the list links to the calendar.
    assert calendar_page(client, month="2026-13")
    assert reverse("desk:change_calendar") in client.get(reverse("desk:changes")).content.decode()


def test_overlaps_on_one_environment_are_warned_of(
    client: Client, agent: User, anna: User, production_a: Environment, test_a: Environment
) -> None:
    first = scheduled(agent, production_a, start=MARCH, hours=2, title="First")
    second = planned(agent, production_a, start=MARCH + timedelta(hours=1), hours=2, title="Second")
    touching = planned(agent, production_a, start=MARCH + timedelta(hours=2), hours=None, title="Touching, open")
    elsewhere = planned(agent, test_a, start=MARCH, hours=2, title="Elsewhere")
    client.force_login(agent)
    page = calendar_page(client, month="2026-03")
    assert "Varoitus" in page or "Warning" in page
    assert page.count("<strong>Intranet, production</strong>") == 2  # first+second, second+open one; not first+open
    assert elsewhere.identifier in page
    # The change page warns too, of each overlapping change.
    page = client.get(reverse("desk:change", args=[second.identifier])).content.decode()
    assert first.identifier in page and touching.identifier in page and elsewhere.identifier not in page
    page = client.get(reverse("desk:change", args=[elsewhere.identifier])).content.decode()
    assert 'id="overlaps-title"' not in page
    # Scheduling warns, and schedules all the same.
    change_transition(actor=agent, change=second, to="proposed")
    change_transition(actor=anna, change=second, to="approved")
    response = client.post(reverse("desk:change_move", args=[second.identifier]), {"to": "scheduled"}, follow=True)
    second.refresh_from_db()
    assert second.state == "scheduled"
    assert "message-warning" in response.content.decode() and first.identifier in response.content.decode()


def test_a_cancelled_change_overlaps_nothing(
    client: Client, agent: User, anna: User, production_a: Environment
) -> None:
    first = scheduled(agent, production_a, start=MARCH)
    second = scheduled(agent, production_a, start=MARCH)
    change_transition(actor=agent, change=second, to="cancelled")
    client.force_login(agent)
    assert 'id="overlaps-title"' not in calendar_page(client, month="2026-03")
    assert 'id="overlaps-title"' not in client.get(reverse("desk:change", args=[first.identifier])).content.decode()


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        calendar_page(client, month="2026-03")
    return len(queries)


def test_the_calendar_takes_the_same_queries_however_many_changes(
    client: Client, agent: User, anna: User, production_a: Environment, test_a: Environment
) -> None:
    client.force_login(agent)
    planned(agent, production_a, start=MARCH)
    _queries(client)  # warm the per-process caches
    few = _queries(client)
    for day in range(12):
        planned(agent, production_a if day % 2 else test_a, start=MARCH + timedelta(days=day, hours=day % 3))
        planned(agent, test_a, start=MARCH + timedelta(days=day))
    _queries(client)  # new windows: each process reads the longest window again, once
    assert _queries(client) == few


def test_the_portal_pages_take_the_same_queries_however_many_windows(
    client: Client, agent: User, anna: User, production_a: Environment
) -> None:
    client.force_login(anna)
    scheduled(agent, production_a)

    def count(name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(name))
        return len(queries)

    before = {name: count(name) for name in ("portal:environments", "portal:dashboard")}
    for day in range(5):
        scheduled(agent, production_a, start=timezone.now() + timedelta(days=day + 1))
    assert {name: count(name) for name in before} == before


def test_change_model_identifier_of_matches(agent: User, production_a: Environment) -> None:
    change = planned(agent, production_a)
    assert Change.identifier_of(change.pk) == change.identifier


def test_the_timeline_shows_the_newest_first_and_the_whole_life_on_request(
    client: Client, agent: User, anna: User, production_a: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tuki.portal.changes.TIMELINE_PAGE", 3)
    changes = [planned(agent, production_a, start=MARCH + timedelta(days=n), title=f"Change {n}") for n in range(5)]
    for change in changes:
        change_transition(actor=agent, change=change, to="proposed")
    client.force_login(anna)
    url = reverse("portal:environment", args=[production_a.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    page = client.get(url).content.decode()
    assert "Change 4" in page and "Change 2" in page and "Change 1" not in page
    assert "?timeline=all" in page
    page = client.get(url, {"timeline": "all"}).content.decode()
    assert "Change 0" in page and "Ympäristö kirjattu" in page or "Environment recorded" in page
    before = count()
    planned(agent, production_a, title="A draft the customer does not see")
    change_transition(actor=agent, change=planned(agent, production_a, title="Another"), to="proposed")
    count()  # new windows: each process reads the longest window again, once
    assert count() == before


def test_a_busy_day_shows_its_first_changes_and_the_agenda_all(
    client: Client, agent: User, anna: User, production_a: Environment, test_a: Environment
) -> None:
    changes = [
        planned(agent, test_a if n % 2 else production_a, start=MARCH + timedelta(minutes=10 * n), title=f"Busy {n}")
        for n in range(6)
    ]
    client.force_login(agent)
    page = calendar_page(client, month="2026-03")
    assert page.count('<li class="state-draft') == 4 and "2 muuta" in page
    assert changes[0].identifier in page
    page = calendar_page(client, month="2026-03", day="2026-03-03")
    assert all(f"Busy {n}" in page for n in range(6))
    assert "Busy" not in calendar_page(client, month="2026-03", day="2026-04-03")  # not a day of the month shown


@pytest.mark.parametrize("month", ["", "2026-13", "2026-00", "0000-05", "26-03", "2026-3", "x"])
def test_a_month_that_is_no_month_shows_this_one(client: Client, agent: User, month: str) -> None:
    client.force_login(agent)
    this_month = timezone.localdate()
    assert f'value="{this_month:%Y-%m}"' in calendar_page(client, month=month, day="2026-02-31")


def test_windows_reaching_into_the_month_from_long_before_overlap_in_it(
    client: Client, agent: User, anna: User, production_a: Environment, test_a: Environment
) -> None:
    # Ten days from the 21st of February: it runs into March, where another change on its environment starts.
    migration = planned(agent, production_a, start=MARCH - timedelta(days=10), hours=10 * 24 + 1, title="Migration")
    patch = planned(agent, production_a, start=MARCH, hours=1, title="Patch")
    # Without an end, a window reaches into every month after it starts.
    endless = planned(agent, test_a, start=MARCH - timedelta(days=40), hours=None, title="Endless")
    elsewhere = planned(agent, test_a, start=MARCH + timedelta(days=1), hours=1)
    client.force_login(agent)
    page = calendar_page(client, month="2026-03")
    assert page.count("<strong>Intranet, production</strong>") == 1
    assert page.count("<strong>Intranet, test</strong>") == 1
    assert all(change.identifier in page for change in (migration, patch, endless, elsewhere))
    # A window made longer afterwards is looked back for as far.
    late = planned(agent, production_a, start=MARCH + timedelta(days=20), hours=1, title="Late")
    april = planned(agent, production_a, start=MARCH + timedelta(days=35), hours=1, title="In April")
    assert 'id="overlaps-title"' not in calendar_page(client, month="2026-04")
    change_update(actor=agent, change=late, planned_end=april.planned_start + timedelta(minutes=30))
    page = calendar_page(client, month="2026-04")
    assert page.count("<strong>Intranet, production</strong>") == 1
    assert f"{late.identifier}</a>" in page and f"{april.identifier}</a>" in page


def test_the_environment_page_lists_its_card_by_name_through_the_readers_scope(
    client: Client, agent: User, anna: User, bertil: User, aaro: Contact, production_a: Environment
) -> None:
    component_add(actor=agent, environment=production_a, name="Database", kind="database", version="15.2")
    retired = component_add(actor=agent, environment=production_a, name="Cache", kind="hosting", version="7")
    component_retire(actor=agent, component=retired)
    address_add(actor=agent, environment=production_a, label="Public site", address="https://intra.org-a.example")
    address_add(actor=agent, environment=production_a, label="Admin", address="admin.org-a.example")
    environment_update(
        actor=agent, environment=production_a, customer_contacts=[aaro, anna.contact], supplier_contacts=[agent]
    )
    client.force_login(anna)
    page = client.get(reverse("portal:environment", args=[production_a.pk])).content.decode()
    assert "<dt>Database (Tietokanta)</dt><dd>15.2</dd>" in page and "<dt>Cache" not in page  # in use only
    assert page.index("admin.org-a.example") < page.index("https://intra.org-a.example")  # by label
    people = sorted([aaro.user.full_name, anna.full_name])
    assert f"<li>{people[0]}</li><li>{people[1]}</li>" in page
    assert f'{agent.full_name} · <a href="mailto:{agent.email}">{agent.email}</a>' in page
    client.force_login(bertil)
    assert client.get(reverse("portal:environment", args=[production_a.pk])).status_code == 404


def test_a_long_window_still_running_is_an_upcoming_one(
    client: Client, agent: User, anna: User, production_a: Environment
) -> None:
    running = scheduled(agent, production_a, start=timezone.now() - timedelta(days=5), hours=10 * 24, title="Long")
    client.force_login(anna)
    page = client.get(reverse("portal:environment", args=[production_a.pk])).content.decode()
    assert f"{running.identifier}</a> Long</li>" in page
