"""The estimate's pages: the desk proposes from the request's time page, the portal lists the estimates waiting
and a customer manager approves with a split or declines; other contacts read; another customer sees nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import time_machine

from tests.timesheets.conftest import NOW
from tuki.accounts.services import business_unit_create
from tuki.audit.models import Action, AuditEntry
from tuki.tickets.services import ticket_create
from tuki.timesheets.models import CostShare, Estimate, TimeEntry
from tuki.timesheets.services import estimate_propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_march_2027() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def unit_a2(org_a: Any) -> Any:
    return business_unit_create(organisation=org_a, name="Sales")


@pytest.fixture
def estimate(agent: Any, request_a: Any) -> Estimate:
    return estimate_propose(actor=agent, ticket=request_a, basis="hours", minutes=600, description="Uusi raportti")


def test_an_agent_proposes_from_the_time_page(client: Any, agent: Any, request_a: Any) -> None:
    client.force_login(agent)
    page = client.get(f"/desk/requests/{request_a.identifier}/time/")
    assert f'action="/desk/requests/{request_a.identifier}/estimate/"' in page.content.decode()
    response = client.post(
        f"/desk/requests/{request_a.identifier}/estimate/",
        {"estimate-basis": "hours", "estimate-hours": "10.5", "estimate-description": "Uusi raportti"},
    )
    assert response.status_code == 302
    estimate = Estimate.objects.get()
    assert (estimate.minutes, estimate.amount, estimate.state) == (630, Decimal("997.50"), "proposed")


def test_a_bad_estimate_is_refused_on_the_page(client: Any, agent: Any, request_a: Any) -> None:
    client.force_login(agent)
    response = client.post(
        f"/desk/requests/{request_a.identifier}/estimate/",
        {"estimate-basis": "fixed", "estimate-amount": "", "estimate-description": "X"},
    )
    assert response.status_code == 400
    assert "Anna kiinteä hinta" in response.content.decode()
    assert not Estimate.objects.exists()


def test_anna_approves_with_a_60_40_split(
    client: Any, anna: Any, unit_a: Any, unit_a2: Any, estimate: Estimate
) -> None:
    client.force_login(anna)
    quota = client.get("/portal/quota/").content.decode()
    assert "Hyväksyntää odottavat kustannusarviot" in quota and f"/portal/estimates/{estimate.pk}/" in quota
    page = client.get(f"/portal/estimates/{estimate.pk}/").content.decode()
    assert "950,00 €" in page and 'value="approve"' in page
    response = client.post(
        f"/portal/estimates/{estimate.pk}/",
        {"step": "approve", "version": "1", f"share_{unit_a.pk}": "60", f"share_{unit_a2.pk}": "40"},
    )
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert (estimate.state, estimate.decided_by, estimate.approved_amount) == ("approved", anna, Decimal("950.00"))
    assert {s.business_unit_id: s.percent for s in CostShare.objects.all()} == {unit_a.pk: 60, unit_a2.pk: 40}
    assert "Hyväksyntää odottavat" not in client.get("/portal/quota/").content.decode()


def test_a_split_that_does_not_add_up_is_refused(
    client: Any, anna: Any, unit_a: Any, unit_a2: Any, estimate: Estimate
) -> None:
    client.force_login(anna)
    response = client.post(
        f"/portal/estimates/{estimate.pk}/",
        {"step": "approve", "version": "1", f"share_{unit_a.pk}": "60", f"share_{unit_a2.pk}": "30"},
    )
    assert response.status_code == 400 and "90 %" in response.content.decode()
    estimate.refresh_from_db()
    assert estimate.state == "proposed" and not CostShare.objects.exists()


def test_anna_declines_with_a_reason(client: Any, anna: Any, estimate: Estimate) -> None:
    client.force_login(anna)
    response = client.post(
        f"/portal/estimates/{estimate.pk}/", {"step": "decline", "version": "1", "reason": "Liian kallis"}
    )
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert (estimate.state, estimate.decline_reason) == ("declined", "Liian kallis")


def test_a_contact_who_is_not_a_manager_reads_only(client: Any, agent: Any, aaro: Any, agreement_a: Any) -> None:
    own = ticket_create(actor=aaro.user, requester=aaro, subject="Aaron pyyntö", now=NOW)
    estimate = estimate_propose(actor=agent, ticket=own, basis="hours", minutes=60, description="Pieni työ")
    client.force_login(aaro.user)
    page = client.get(f"/portal/estimates/{estimate.pk}/")
    assert page.status_code == 200 and "95,00 €" in page.content.decode()
    assert 'value="approve"' not in page.content.decode()
    client.post(f"/portal/estimates/{estimate.pk}/", {"step": "approve", "version": "1"})
    estimate.refresh_from_db()
    assert estimate.state == "proposed"


def test_another_customer_sees_nothing(client: Any, bertil: Any, agreement_b: Any, estimate: Estimate) -> None:
    client.force_login(bertil)
    assert client.get(f"/portal/estimates/{estimate.pk}/").status_code == 404
    assert client.post(f"/portal/estimates/{estimate.pk}/", {"step": "approve", "version": "1"}).status_code == 404
    assert f"/portal/estimates/{estimate.pk}/" not in client.get("/portal/quota/").content.decode()
    estimate.refresh_from_db()
    assert estimate.state == "proposed"
    # Nor does a contact reach the desk's estimate form.
    assert client.post(
        f"/desk/requests/{estimate.ticket.identifier}/estimate/", {"basis": "hours", "hours": "1"}
    ).status_code in (302, 403, 404)


def test_additional_work_without_an_approved_estimate_is_refused_on_the_time_page(
    client: Any, agent: Any, request_a: Any, estimate: Estimate
) -> None:
    client.force_login(agent)
    response = client.post(
        f"/desk/requests/{request_a.identifier}/time/", {"day": "2027-03-17", "minutes": "60", "kind": "additional"}
    )
    assert response.status_code == 400
    assert "Tukipyynnöllä ei ole asiakkaan hyväksymää kustannusarviota" in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_a_supplier_manager_overrides_on_the_time_page(client: Any, manager: Any, request_a: Any) -> None:
    client.force_login(manager)
    page = client.get(f"/desk/requests/{request_a.identifier}/time/").content.decode()
    assert 'name="override_reason"' in page
    response = client.post(
        f"/desk/requests/{request_a.identifier}/time/",
        {"day": "2027-03-17", "minutes": "60", "kind": "additional", "override_reason": "Sovittu puhelimessa"},
    )
    assert response.status_code == 302
    audit = AuditEntry.objects.get(action=Action.ADDITIONAL_WORK_OVERRIDDEN)
    assert audit.details["reason"] == "Sovittu puhelimessa" and audit.actor == manager
