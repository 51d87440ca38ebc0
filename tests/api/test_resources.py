"""The smaller resources: organisations, contacts, business units, agreements, the handbook, time, estimates,
environments and changes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, token_for
from tuki.timesheets.models import EstimateState

pytestmark = pytest.mark.django_db


def test_organisations_contacts_and_units(as_anna: Api, as_agent: Api, world_a: dict[str, Any], bertil: Any) -> None:
    organisation = world_a["organisation_id"]
    assert [o["name"] for o in as_anna.get("/organisations").json()] == ["Org A Oy"]
    assert {o["name"] for o in as_agent.get("/organisations").json()} == {"Org A Oy", "Org B Ab"}
    assert as_anna.get(f"/organisations/{organisation}").json()["business_id"] == "1111111-1"
    assert [u["name"] for u in as_anna.get(f"/organisations/{organisation}/business-units").json()] == ["Finance"]
    contacts = as_anna.get(f"/organisations/{organisation}/contacts").json()
    assert [c["email"] for c in contacts] == ["anna@org-a.example"]
    assert as_agent.get(f"/contacts/{bertil.contact.pk}").json()["name"] == "Bertil Berg"
    assert as_agent.get("/organisations", limit=1).json()[0]["id"] == organisation


def test_agreements_with_targets_and_quota(as_anna: Api, world_a: dict[str, Any]) -> None:
    [agreement] = as_anna.get("/agreements").json()
    assert [t["priority"] for t in agreement["targets"]] == [1, 2, 3, 4]
    assert agreement["targets"][0] == {"priority": 1, "first_response_minutes": 30, "resolution_minutes": 240}
    quota = as_anna.get(f"/agreements/{agreement['id']}/quota").json()
    assert quota["quota_minutes"] == 20 * 60 and quota["used_minutes"] >= 0


def test_handbook_search_and_read(as_anna: Api, as_bertil: Api, world_a: dict[str, Any]) -> None:
    assert [a["slug"] for a in as_anna.get("/handbook/articles", q="guide").json()] == [world_a["slug"]]
    assert [a["slug"] for a in as_anna.get("/handbook/articles").json()] == [world_a["slug"]]
    assert as_anna.get(f"/handbook/articles/{world_a['slug']}").json()["body"] == "Only for A"
    assert as_bertil.get("/handbook/articles").json() == []


def test_time_entries_hide_internal_notes_from_contacts(as_anna: Api, as_agent: Api, world_a: dict[str, Any]) -> None:
    path = f"/requests/{world_a['identifier']}/time-entries"
    [entry] = as_anna.get(path).json()
    assert entry["minutes"] == 30 and entry["internal_note"] is None
    assert as_agent.get(path).json()[0]["internal_note"] == ""


def test_a_customer_manager_approves_an_estimate(as_anna: Api, world_a: dict[str, Any]) -> None:
    estimate = world_a["estimate_id"]
    assert [e["id"] for e in as_anna.get("/estimates").json()] == [estimate]
    stale = as_anna.post(f"/estimates/{estimate}/approve", {"version": 2})
    assert stale.status_code == 422 and stale.json()["detail"].startswith("Kustannusarviota muutettiin")
    approved = as_anna.post(f"/estimates/{estimate}/approve", {"version": 1})
    assert approved.status_code == 200 and approved.json()["state"] == EstimateState.APPROVED


def test_a_colleague_may_not_decide_and_a_decline_needs_a_reason(aaro: Any, as_anna: Api, world_a: Any) -> None:
    estimate = world_a["estimate_id"]
    colleague = Api(token_for(aaro.user))
    assert colleague.post(f"/estimates/{estimate}/decline", {"version": 1, "reason": "no"}).status_code in (403, 404)
    assert as_anna.post(f"/estimates/{estimate}/decline", {"version": 1}).json()["field"] == "reason"
    declined = as_anna.post(f"/estimates/{estimate}/decline", {"version": 1, "reason": "Not now"})
    assert declined.json()["state"] == EstimateState.DECLINED and declined.json()["decline_reason"] == "Not now"


def test_environments_and_changes(as_anna: Api, as_agent: Api, world_a: dict[str, Any]) -> None:
    assert [e["name"] for e in as_anna.get("/environments").json()] == ["Intranet, production"]
    assert as_anna.get(f"/environments/{world_a['environment_id']}").json()["lifecycle"]
    # A draft change is the staff's until it is planned.
    assert as_anna.get("/changes").json() == []
    assert as_anna.get(f"/changes/{world_a['change_identifier']}").status_code == 404
    [change] = as_agent.get("/changes").json()
    assert change["id"] == world_a["change_identifier"] and change["environments"] == [world_a["environment_id"]]
    assert as_agent.get(f"/changes/{change['id']}").json()["title"] == "Upgrade"
