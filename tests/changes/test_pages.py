"""The pages of environments and changes: the desk records and moves changes, the customer manager approves in
the portal, contacts never see internal notes, and another customer's contact finds nothing at any address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tuki.accounts.models import Contact, User
from tuki.changes.models import Change
from tuki.changes.services import change_transition
from tuki.environments.models import Component, Environment
from tuki.tickets.services import ticket_create

from .conftest import make_change

ANNA_SECRETS = ("Ask Pekka", "vault:/org-a")


@pytest.fixture
def proposed(agent: User, production_a: Environment, app_a: Component) -> Change:
    change = make_change(agent, production_a, components=[(app_a, "2.0")], risk="Short outage")
    return change_transition(actor=agent, change=change, to="proposed")


def _move(client: Client, face: str, change: Change, to: str) -> Any:
    name = "desk:change_move" if face == "desk" else "portal:change_decide"
    return client.post(reverse(name, args=[change.identifier]), {"to": to})


def test_customer_manager_approves_in_the_portal(client: Client, anna: User, proposed: Change) -> None:
    client.force_login(anna)
    page = client.get(reverse("portal:environments")).content.decode()
    assert proposed.identifier in page  # waiting for her approval
    page = client.get(reverse("portal:change", args=[proposed.identifier])).content.decode()
    assert 'value="approved"' in page and 'value="declined"' in page
    response = _move(client, "portal", proposed, "approved")
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.state, proposed.approved_by) == ("approved", anna)


def test_a_contact_who_is_no_customer_manager_cannot_approve(client: Client, aaro: Contact, proposed: Change) -> None:
    client.force_login(aaro.user)
    page = client.get(reverse("portal:change", args=[proposed.identifier])).content.decode()
    assert 'value="approved"' not in page
    response = _move(client, "portal", proposed, "approved")
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == "proposed"
    assert "Vain asiakkaan vastuuhenkilö voi hyväksyä" in client.get(response.url).content.decode()


def test_the_portal_makes_no_staff_moves(client: Client, anna: User, proposed: Change) -> None:
    client.force_login(anna)
    _move(client, "portal", proposed, "cancelled")
    proposed.refresh_from_db()
    assert proposed.state == "proposed"


def test_desk_schedules_and_implements_and_the_customer_sees_it(
    client: Client, agent: User, anna: User, proposed: Change, production_a: Environment, app_a: Component
) -> None:
    change_transition(actor=anna, change=proposed, to="approved")
    client.force_login(agent)
    page = client.get(reverse("desk:change", args=[proposed.identifier])).content.decode()
    assert 'value="scheduled"' in page and 'value="implemented"' not in page
    assert _move(client, "desk", proposed, "scheduled").status_code == 302
    assert _move(client, "desk", proposed, "implemented").status_code == 302
    app_a.refresh_from_db()
    assert app_a.version == "2.0"
    assert proposed.identifier in client.get(reverse("desk:changes")).content.decode()

    client.force_login(anna)
    page = client.get(reverse("portal:environment", args=[production_a.pk])).content.decode()
    assert proposed.identifier in page
    assert "2.0" in page
    for secret in ANNA_SECRETS:
        assert secret not in page


def test_desk_refuses_an_unapproved_normal_change_with_its_reason(
    client: Client, agent: User, proposed: Change
) -> None:
    client.force_login(agent)
    response = _move(client, "desk", proposed, "implemented")
    assert "Asiakkaan on hyväksyttävä normaali muutos" in client.get(response.url).content.decode()
    proposed.refresh_from_db()
    assert proposed.state == "proposed"


def test_a_request_spawns_a_change_on_the_desk(
    client: Client, agent: User, anna: User, agreement_a: Any, production_a: Environment, app_a: Component
) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Upgrade please")
    client.force_login(agent)
    url = reverse("desk:change_new", args=[ticket.identifier])
    assert client.get(url).status_code == 200
    form = {
        "title": "Upgrade",
        "kind": "normal",
        "environment": production_a.pk,
        "component": app_a.pk,
        "version_after": "2.0",
        "planned_start": "2026-03-03 18:00",
        "planned_end": "2026-03-03 17:00",
    }
    page = client.post(url, form).content.decode()
    assert "päättyy ennen kuin se alkaa" in page
    assert Change.objects.count() == 0
    response = client.post(url, {**form, "planned_end": "2026-03-03 20:00"})
    change = Change.objects.get()
    assert response.url == reverse("desk:change", args=[change.identifier])
    assert list(change.tickets.all()) == [ticket]
    assert change.touched.get().version_after == "2.0"


def test_contacts_reach_no_desk_page(client: Client, anna: User, proposed: Change) -> None:
    client.force_login(anna)
    for url in [reverse("desk:changes"), reverse("desk:change", args=[proposed.identifier])]:
        assert client.get(url).status_code in (302, 403, 404)


def test_a_draft_is_not_the_customers_yet(client: Client, agent: User, anna: User, production_a: Environment) -> None:
    draft = make_change(agent, production_a)
    client.force_login(anna)
    assert client.get(reverse("portal:change", args=[draft.identifier])).status_code == 404


def test_bertil_finds_nothing_of_anna(
    client: Client, bertil: User, proposed: Change, production_a: Environment
) -> None:
    client.force_login(bertil)
    for url in [
        reverse("portal:change", args=[proposed.identifier]),
        reverse("portal:environment", args=[production_a.pk]),
    ]:
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("portal:change_decide", args=[proposed.identifier]), {"to": "approved"}).status_code == 404
    )
    proposed.refresh_from_db()
    assert proposed.state == "proposed"
    for url in [reverse("portal:environments"), reverse("portal:dashboard")]:
        body = client.get(url).content.decode()
        assert proposed.identifier not in body and production_a.name not in body


def test_the_desk_leads_to_changes_from_the_customers_and_from_a_request(
    client: Any, agent: Any, anna: Any, agreement_a: Any
) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Upgrade the database")
    client.force_login(agent)
    assert 'href="/desk/changes/"' in client.get("/desk/customers/").content.decode()
    page = client.get(f"/desk/requests/{ticket.identifier}/").content.decode()
    assert f'href="/desk/requests/{ticket.identifier}/change/new/"' in page
