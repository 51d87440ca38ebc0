"""The desk's environment page: what it shows, its edit forms through the services, a query count that does not
grow with the environment's life; the portal's page without internal notes or secrets; and bertil finds nothing
of org A at any address."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.changes.conftest import make_change
from tuki.accounts.models import User
from tuki.changes.models import Change
from tuki.changes.services import change_transition
from tuki.environments.models import Address, Component, Environment, EnvironmentEvent, Lifecycle
from tuki.environments.services import address_add, component_add, environment_create, environment_update
from tuki.tickets.services import ticket_create
from tuki.timesheets.models import TimeEntry
from tuki.timesheets.services import time_entry_log

NOW = datetime(2026, 3, 17, 10, tzinfo=UTC)
SECRETS = ("Ask Pekka before restarting", "vault:/org-a/intranet")


@pytest.fixture(autouse=True)
def _in_march() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def production(agent: User, anna: User, org_a: Any, agreement_a: Any) -> Environment:
    environment = environment_create(
        actor=agent,
        organisation=org_a,
        name="Intranet, production",
        kind="production",
        internal_notes=SECRETS[0],
        secrets_location=SECRETS[1],
        agreement=agreement_a,
        now=datetime(2026, 1, 5, tzinfo=UTC),
    )
    component_add(actor=agent, environment=environment, name="Intranet", kind="application", version="1.0")
    address_add(actor=agent, environment=environment, label="Public site", address="https://intra.org-a.example")
    return environment_update(
        actor=agent, environment=environment, customer_contacts=[anna.contact], supplier_contacts=[agent]
    )


def _grow(agent: User, anna: User, environment: Environment, n: int, first: int = 0) -> None:
    """More requests, changes, time and history: none of it may cost the page a query."""
    for i in range(first, first + n):
        ticket = ticket_create(actor=anna, requester=anna.contact, subject=f"Slow page {i}", environment=environment)
        time_entry_log(actor=agent, ticket=ticket, day=date(2026, 3, 16), minutes=30, kind="maintenance")
        change = make_change(agent, environment, tickets=[ticket])
        time_entry_log(actor=agent, change=change, day=date(2026, 3, 16), minutes=15, kind="help_desk")
        address_add(actor=agent, environment=environment, label=f"Node {i}", address=f"node{i}.org-a.example")
        component_add(actor=agent, environment=environment, name=f"Service {i}", kind="integration", version="1")


def test_the_desk_page_shows_the_environment_whole(
    client: Client, agent: User, anna: User, production: Environment
) -> None:
    _grow(agent, anna, production, 1)
    client.force_login(agent)
    page = client.get(reverse("desk:environment", args=[production.pk])).content.decode()
    for text in [
        "Intranet, production",
        *SECRETS,
        "https://intra.org-a.example",
        "Anna Asiakas",
        "Aino Agentti",
        "Slow page 0",
        "CH-",
        "0 h 30 min",  # maintenance on its request
        "0 h 15 min",  # help desk on its change
        "Service 0",
    ]:
        assert text in page, text


def test_the_page_is_reached_from_the_customers_and_from_a_change(
    client: Client, agent: User, production: Environment
) -> None:
    change = make_change(agent, production)
    client.force_login(agent)
    url = reverse("desk:environment", args=[production.pk])
    assert f'href="{url}"' in client.get(reverse("desk:customers")).content.decode()
    assert f'href="{url}"' in client.get(reverse("desk:change", args=[change.identifier])).content.decode()


def test_the_query_count_does_not_grow(client: Client, agent: User, anna: User, production: Environment) -> None:
    client.force_login(agent)
    url = reverse("desk:environment", args=[production.pk])
    _grow(agent, anna, production, 1)
    client.get(url)  # warm the per-process lists
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(agent, anna, production, 5, first=1)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_staff_edit_through_the_forms_and_history_follows(
    client: Client, agent: User, anna: User, production: Environment
) -> None:
    client.force_login(agent)
    url = reverse("desk:environment", args=[production.pk])
    form = {
        "action": "edit",
        "name": "Intranet, production",
        "kind": "production",
        "lifecycle": Lifecycle.RETIRED,
        "in_production_on": "2026-01-05",
        "retired_on": "2026-03-16",
        "agreement": production.agreement_id,
        "customer_contacts": [anna.contact.pk],
        "supplier_contacts": [agent.pk],
        "internal_notes": "Moved to the new cluster",
        "secrets_location": SECRETS[1],
    }
    assert client.post(url, form).status_code == 302
    production.refresh_from_db()
    assert (production.lifecycle, production.retired_on) == (Lifecycle.RETIRED, date(2026, 3, 16))
    assert EnvironmentEvent.objects.filter(field="internal_notes", after="Moved to the new cluster").exists()
    assert client.post(url, {**form, "retired_on": "2025-01-01"}).status_code == 400  # before production

    app = Component.objects.get(name="Intranet")
    bad = {"action": "component_edit", "component": app.pk, f"component-{app.pk}-name": "Intranet"}
    bad |= {f"component-{app.pk}-kind": "application", f"component-{app.pk}-version": "2.0\x1b"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "Versio ei saa sisältää ohjausmerkkejä" in response.content.decode()
    good = {**bad, f"component-{app.pk}-version": "2.0"}
    assert client.post(url, good).status_code == 302
    app.refresh_from_db()
    assert app.version == "2.0"
    assert client.post(url, {"action": "component_retire", "component": app.pk}).status_code == 302
    response = client.post(url, {"action": "address_add", "address-label": "Admin", "address-address": "a b"})
    assert "ilman välilyöntejä tai ohjausmerkkejä" in response.content.decode()
    address = Address.objects.get()
    assert client.post(url, {"action": "address_remove", "address": address.pk}).status_code == 302
    assert not Address.objects.exists()
    fields = set(EnvironmentEvent.objects.values_list("field", flat=True))
    assert {"lifecycle", "retired_on", "version", "address", "internal_notes"} <= fields


def test_the_portal_shows_addresses_and_contacts_but_no_secrets(
    client: Client, agent: User, anna: User, production: Environment
) -> None:
    environment_update(actor=agent, environment=production, internal_notes="Root password hint", secrets_location="x")
    client.force_login(anna)
    page = client.get(reverse("portal:environment", args=[production.pk])).content.decode()
    assert "https://intra.org-a.example" in page and "Anna Asiakas" in page and "agent@supplier.example" in page
    for secret in [*SECRETS, "Root password hint", "vault:"]:
        assert secret not in page


def test_the_change_page_edits_and_logs_time(client: Client, agent: User, anna: User, production: Environment) -> None:
    change = make_change(agent, production)
    client.force_login(agent)
    url = reverse("desk:change", args=[change.identifier])
    page = client.get(url).content.decode()
    assert 'name="title"' in page and 'name="outcome"' not in page
    edit = reverse("desk:change_edit", args=[change.identifier])
    form = {"title": "Upgrade to 2.0", "kind": "normal", "planned_start": "2026-03-20T18:00"}
    response = client.post(edit, {**form, "planned_end": "2026-03-20T17:00"})
    assert response.status_code == 400 and "päättyy ennen kuin se alkaa" in response.content.decode()
    assert client.post(edit, {**form, "planned_end": "2026-03-20T20:00"}).status_code == 302
    change.refresh_from_db()
    assert change.title == "Upgrade to 2.0"

    log = reverse("desk:change_time", args=[change.identifier])
    response = client.post(log, {"day": "2026-03-17", "minutes": "45", "kind": "additional"})
    assert response.status_code == 400 and "Millään tämän muutoksen tukipyynnöllä" in response.content.decode()
    response = client.post(log, {"day": "2026-03-17", "minutes": "45", "kind": "maintenance"}, follow=True)
    assert f"0 h 45 min kirjattu muutokselle {change.identifier}." in response.content.decode()
    assert TimeEntry.objects.get().change == change

    change_transition(actor=agent, change=change, to="proposed")
    client.force_login(anna)
    quota = client.get(reverse("portal:quota")).content.decode()
    assert f'href="/portal/changes/{change.identifier}/"' in quota


def test_bertil_finds_nothing_of_org_a(client: Client, agent: User, bertil: User, production: Environment) -> None:
    change = make_change(agent, production)
    change = change_transition(actor=agent, change=change, to="proposed")
    time_entry_log(actor=agent, change=change, day=date(2026, 3, 16), minutes=15, kind="maintenance")
    client.force_login(bertil)
    for url in [
        reverse("desk:environment", args=[production.pk]),
        reverse("desk:change", args=[change.identifier]),
        reverse("portal:environment", args=[production.pk]),
        reverse("portal:change", args=[change.identifier]),
    ]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (reverse("desk:environment", args=[production.pk]), {"action": "edit", "name": "Mine"}),
        (reverse("desk:change_edit", args=[change.identifier]), {"title": "Mine"}),
        (reverse("desk:change_time", args=[change.identifier]), {"day": "2026-03-16", "minutes": 5, "kind": "x"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    for url in [reverse("portal:quota"), reverse("portal:environments")]:
        body = client.get(url).content.decode()
        assert change.identifier not in body and production.name not in body
    production.refresh_from_db()
    assert production.name == "Intranet, production" and TimeEntry.objects.count() == 1


def test_anna_reaches_no_desk_page(client: Client, anna: User, production: Environment) -> None:
    client.force_login(anna)
    assert client.get(reverse("desk:environment", args=[production.pk])).status_code == 404
    assert not Change.objects.exists()


def test_a_time_posted_back_unchanged_is_no_change(client: Client, agent: User, anna: User, production: Any) -> None:
    change = make_change(agent, production)
    for actor, target in [(agent, "proposed"), (anna, "approved"), (agent, "scheduled"), (agent, "implemented")]:
        change = change_transition(actor=actor, change=change, to=target)
    client.force_login(agent)
    local = timezone.localtime(change.actual_end)
    form = {
        "actual_start": timezone.localtime(change.actual_start).strftime("%Y-%m-%dT%H:%M"),
        "actual_end": local.strftime("%Y-%m-%dT%H:%M"),
        "outcome": "Went well",
    }
    assert client.post(reverse("desk:change_edit", args=[change.identifier]), form).status_code == 302
    fields = [event.data["field"] for event in change.events.filter(kind="field")]
    assert fields == ["outcome"]
