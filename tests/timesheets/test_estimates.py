"""Estimates of additional work: proposing, approving with a cost split, declining, changing after approval, and
logging additional work only against an approved estimate. Every refusal has its own message; nothing half-saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.timesheets.conftest import NOW
from tests.workers import run_in_workers
from tuki.accounts.services import business_unit_create, contact_create
from tuki.audit.models import Action, AuditEntry
from tuki.timesheets import ledger
from tuki.timesheets.models import ClosedPeriod, CostShare, Estimate, EstimateRevision, TimeEntry
from tuki.timesheets.services import (
    estimate_approve,
    estimate_decline,
    estimate_propose,
    estimate_split,
    time_entry_log,
)

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 17)


def propose(agent: Any, ticket: Any, **changes: Any) -> Estimate:
    values: dict[str, Any] = {"basis": "hours", "minutes": 10 * 60, "description": "Uusi raportti"}
    return estimate_propose(actor=agent, ticket=ticket, now=NOW, **(values | changes))


def log_additional(user: Any, ticket: Any, minutes: int = 60, **more: Any) -> TimeEntry:
    return time_entry_log(actor=user, ticket=ticket, day=TODAY, minutes=minutes, kind="additional", now=NOW, **more)


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def unit_a2(org_a: Any) -> Any:
    return business_unit_create(organisation=org_a, name="Sales")


def test_line_amount_rounds_once_half_up_to_the_cent() -> None:
    assert ledger.line_amount(1, Decimal("95.00")) == Decimal("1.58")  # 1.5833...
    assert ledger.line_amount(3, Decimal("0.10")) == Decimal("0.01")  # 0.005 rounds up
    assert ledger.line_amount(600, Decimal("95.00")) == Decimal("950.00")


def test_an_estimate_in_hours_is_priced_at_the_agreements_rate(agent: Any, request_a: Any) -> None:
    estimate = propose(agent, request_a, minutes=95)
    assert (estimate.state, estimate.amount, estimate.hourly_rate, estimate.version) == (
        "proposed",
        Decimal("150.42"),
        Decimal("95.00"),
        1,
    )
    assert EstimateRevision.objects.get().step == "proposed"


def test_a_fixed_price_estimate(agent: Any, request_a: Any) -> None:
    estimate = propose(agent, request_a, basis="fixed", minutes=None, amount=Decimal("1200.50"))
    assert (estimate.minutes, estimate.amount) == (None, Decimal("1200.50"))


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"minutes": 0}, "minutes", "more than zero hours"),
        ({"minutes": None}, "minutes", "more than zero hours"),
        ({"basis": "fixed", "amount": Decimal(0)}, "amount", "more than zero euros"),
        ({"basis": "fixed", "amount": Decimal("10.005")}, "amount", "euros and cents"),
        ({"basis": "barter"}, "basis", "hours or a fixed price"),
        ({"description": "  "}, "description", "Describe the work"),
    ],
)
def test_bad_estimates_are_refused(agent: Any, request_a: Any, changes: Any, field: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        propose(agent, request_a, **changes)
    assert text in caught.value.message_dict[field][0]
    assert not Estimate.objects.exists() and not EstimateRevision.objects.exists()


def test_no_estimate_without_an_hourly_rate(agent: Any, request_b: Any) -> None:
    with pytest.raises(ValidationError, match="no hourly rate"):
        propose(agent, request_b)


def test_contacts_do_not_propose(anna: Any, request_a: Any) -> None:
    with pytest.raises(ValidationError, match="staff make estimates"):
        propose(anna, request_a)


def test_approval_records_who_when_and_the_exact_figures(agent: Any, anna: Any, unit_a: Any, request_a: Any) -> None:
    estimate = propose(agent, request_a)
    approved = estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)
    assert (approved.state, approved.decided_by, approved.decided_at) == ("approved", anna, NOW)
    assert (approved.approved_minutes, approved.approved_amount) == (600, Decimal("950.00"))
    # By default the request's own business unit bears the costs.
    assert [(s.business_unit, s.percent) for s in approved.shares.all()] == [(unit_a, 100)]
    assert EstimateRevision.objects.last().split == {str(unit_a.pk): 100}  # type: ignore[union-attr]


def test_approval_with_a_60_40_split(agent: Any, anna: Any, unit_a: Any, unit_a2: Any, request_a: Any) -> None:
    estimate = propose(agent, request_a)
    estimate_approve(actor=anna, estimate=estimate, version=1, split={unit_a.pk: 60, unit_a2.pk: 40}, now=NOW)
    assert {s.business_unit_id: s.percent for s in CostShare.objects.all()} == {unit_a.pk: 60, unit_a2.pk: 40}


@pytest.mark.parametrize(
    ("split", "text"),
    [
        ({"a": 60, "a2": 30}, "add up to 90 %"),
        ({"a": 60, "a2": 50}, "add up to 110 %"),
        ({"a": 101}, "from 1 to 100"),
        ({"a": 0}, "at least one business unit"),
        ({"a": 60, "b": 40}, "your own organisation's"),
    ],
)
def test_bad_splits_are_refused(
    agent: Any, anna: Any, unit_a: Any, unit_a2: Any, unit_b: Any, request_a: Any, split: Any, text: str
) -> None:
    units = {"a": unit_a.pk, "a2": unit_a2.pk, "b": unit_b.pk}
    estimate = propose(agent, request_a)
    with pytest.raises(ValidationError) as caught:
        estimate_approve(
            actor=anna, estimate=estimate, version=1, split={units[k]: v for k, v in split.items()}, now=NOW
        )
    assert text in caught.value.message_dict["split"][0]
    estimate.refresh_from_db()
    assert estimate.state == "proposed" and not CostShare.objects.exists()
    assert EstimateRevision.objects.count() == 1


def test_only_a_customer_manager_of_the_organisation_decides(
    agent: Any, aaro: Any, bertil: Any, request_a: Any, org_b: Any
) -> None:
    estimate = propose(agent, request_a)
    other_manager = contact_create(
        organisation=org_b, email="boss@org-b.example", full_name="Bo Boss", customer_manager=True
    ).user
    for person in (aaro.user, bertil, other_manager, agent):
        with pytest.raises(PermissionDenied, match="Only a customer manager"):
            estimate_approve(actor=person, estimate=estimate, version=1, now=NOW)
        with pytest.raises(PermissionDenied, match="Only a customer manager"):
            estimate_decline(actor=person, estimate=estimate, version=1, reason="Liian kallis", now=NOW)
    estimate.refresh_from_db()
    assert estimate.state == "proposed"


def test_decline_needs_a_reason(agent: Any, anna: Any, request_a: Any) -> None:
    estimate = propose(agent, request_a)
    with pytest.raises(ValidationError, match="Say why"):
        estimate_decline(actor=anna, estimate=estimate, version=1, reason=" ", now=NOW)
    declined = estimate_decline(actor=anna, estimate=estimate, version=1, reason="Liian kallis", now=NOW)
    assert (declined.state, declined.decline_reason, declined.decided_by) == ("declined", "Liian kallis", anna)
    with pytest.raises(ValidationError, match="already declined"):
        estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)


def test_a_change_after_approval_needs_approval_again(agent: Any, anna: Any, request_a: Any) -> None:
    estimate = propose(agent, request_a)
    estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)
    changed = propose(agent, request_a, minutes=15 * 60)
    assert (changed.state, changed.version, changed.approved_amount) == ("proposed", 2, None)
    with pytest.raises(ValidationError, match="no estimate that the customer has approved"):
        log_additional(agent, request_a)
    # An approval of the figures seen before the change is refused: the customer approves what they saw.
    with pytest.raises(ValidationError, match="changed while you were looking"):
        estimate_approve(actor=anna, estimate=changed, version=1, now=NOW)
    estimate_approve(actor=anna, estimate=changed, version=2, now=NOW)
    assert [r.step for r in EstimateRevision.objects.all()] == ["proposed", "approved", "proposed", "approved"]


def test_a_second_approval_is_told_who_won(agent: Any, anna: Any, request_a: Any) -> None:
    estimate = propose(agent, request_a)
    estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)
    with pytest.raises(ValidationError, match="Anna Asiakas already approved"):
        estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)
    assert EstimateRevision.objects.filter(step="approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_one_wins(agent: Any, anna: Any, org_a: Any, request_a: Any) -> None:
    other = contact_create(organisation=org_a, email="antti@org-a.example", full_name="Antti", customer_manager=True)
    estimate = propose(agent, request_a)
    people = iter([anna, other.user])

    def approve() -> int:
        with translation.override("en"):  # each worker thread has a language of its own
            estimate_approve(actor=next(people), estimate=Estimate.objects.get(pk=estimate.pk), version=1)
        return 1

    results, failures = run_in_workers(approve)
    assert results == [1]
    assert len(failures) == 1 and "already approved" in str(failures[0])
    assert EstimateRevision.objects.filter(step="approved").count() == 1


def test_additional_work_needs_an_approved_estimate(agent: Any, anna: Any, request_a: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        log_additional(agent, request_a)
    assert "no estimate that the customer has approved" in caught.value.message_dict["kind"][0]
    estimate = propose(agent, request_a)
    with pytest.raises(ValidationError):
        log_additional(agent, request_a)
    estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)
    assert log_additional(agent, request_a).kind == "additional"


def test_a_supplier_manager_overrides_with_a_reason_in_the_audit_log(agent: Any, manager: Any, request_a: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        log_additional(agent, request_a, override_reason="Kiire")
    assert "Only the supplier's managers" in caught.value.message_dict["override_reason"][0]
    assert not AuditEntry.objects.filter(action=Action.ADDITIONAL_WORK_OVERRIDDEN).exists()
    entry = log_additional(manager, request_a, override_reason="Tuotanto alhaalla, sovittu puhelimessa")
    audit = AuditEntry.objects.get(action=Action.ADDITIONAL_WORK_OVERRIDDEN)
    assert audit.actor == manager and audit.details["entry"] == entry.pk
    assert audit.details["reason"] == "Tuotanto alhaalla, sovittu puhelimessa"


def test_the_split_changes_until_the_period_is_closed(
    agent: Any, anna: Any, manager: Any, unit_a: Any, unit_a2: Any, request_a: Any
) -> None:
    estimate = propose(agent, request_a)
    with pytest.raises(ValidationError, match="approve the estimate first"):
        estimate_split(actor=anna, estimate=estimate, split={unit_a.pk: 100}, now=NOW)
    estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)
    estimate_split(actor=anna, estimate=estimate, split={unit_a.pk: 60, unit_a2.pk: 40}, now=NOW)
    assert CostShare.objects.get(business_unit=unit_a2).percent == 40
    log_additional(agent, request_a)
    ClosedPeriod.objects.create(
        agreement=estimate.agreement, start=date(2027, 3, 1), end=date(2027, 4, 1), closed_by=manager
    )
    with pytest.raises(ValidationError, match="closed for invoicing"):
        estimate_split(actor=anna, estimate=estimate, split={unit_a.pk: 100}, now=NOW)
    assert CostShare.objects.get(business_unit=unit_a2).percent == 40
