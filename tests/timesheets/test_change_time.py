"""Time on a change counts like time on a request: the kind of work decides quota or additional; additional work
needs an approved estimate of one of the change's requests; an entry is on a request or a change, never both."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.timesheets.conftest import NOW
from tuki.accounts.models import BusinessUnit
from tuki.changes.models import Change
from tuki.changes.services import change_create
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment
from tuki.environments.services import environment_create
from tuki.tickets.models import Ticket
from tuki.timesheets.models import TimeEntry
from tuki.timesheets.selectors import additional_minutes, environment_minutes, period_costs, period_summary
from tuki.timesheets.services import estimate_approve, estimate_propose, time_entry_correct, time_entry_log

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 17)


@pytest.fixture(autouse=True)
def _in_march_2027() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def production(agent: Any, org_a: Any) -> Environment:
    return environment_create(
        actor=agent, organisation=org_a, name="Intranet, production", now=datetime(2027, 1, 1, tzinfo=UTC)
    )


@pytest.fixture
def change_a(agent: Any, production: Environment, request_a: Ticket) -> Change:
    request_a.environment = production
    request_a.save(update_fields=["environment"])
    return change_create(
        actor=agent,
        organisation=production.organisation,
        title="Upgrade",
        environments=[production],
        tickets=[request_a],
    )


def log(agent: Any, change: Change, **extra: Any) -> TimeEntry:
    values: dict[str, Any] = {"day": DAY, "minutes": 60, "kind": "maintenance"} | extra
    return time_entry_log(actor=agent, change=change, now=NOW, **values)


def test_maintenance_on_a_change_draws_on_the_quota(agent: Any, change_a: Change, request_a: Ticket) -> None:
    entry = log(agent, change_a)
    assert (entry.change, entry.ticket, entry.organisation_id) == (change_a, None, change_a.organisation_id)
    time_entry_log(actor=agent, ticket=request_a, day=DAY, minutes=30, kind="maintenance", now=NOW)
    summary = period_summary(entry.agreement, DAY)
    assert summary.balance.used == 90
    log(agent, change_a, kind="help_desk", minutes=15)
    assert environment_minutes(agent, change_a.environments.get().pk) == {"maintenance": 90, "help_desk": 15}


def test_additional_work_on_a_change_needs_an_approved_estimate_of_its_request(
    agent: Any, anna: Any, change_a: Change, request_a: Ticket
) -> None:
    with pytest.raises(ValidationError, match="Millään tämän muutoksen tukipyynnöllä"):
        log(agent, change_a, kind="additional")
    assert not TimeEntry.objects.exists()
    estimate = estimate_propose(
        actor=agent, ticket=request_a, basis="hours", minutes=120, description="Upgrade", now=NOW
    )
    estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)
    log(agent, change_a, kind="additional", minutes=45)
    assert additional_minutes(request_a.pk) == 45  # the request's estimate covers the change made for it


def test_a_manager_may_override_with_a_reason(manager: Any, change_a: Change) -> None:
    entry = log(manager, change_a, kind="additional", override_reason="Agreed by phone")
    assert entry.kind == "additional"


def test_a_change_entry_is_corrected_like_a_request_entry(agent: Any, change_a: Change) -> None:
    entry = log(agent, change_a)
    correction = time_entry_correct(actor=agent, entry=entry, reason="Wrong change", now=NOW)
    assert (correction.change, correction.ticket, correction.minutes) == (change_a, None, -60)
    assert period_summary(entry.agreement, DAY).balance.used == 0


def test_an_entry_is_on_a_request_or_a_change_not_both_nor_neither(
    agent: Any, change_a: Change, request_a: Ticket
) -> None:
    with pytest.raises(TypeError):
        time_entry_log(actor=agent, ticket=request_a, change=change_a, day=DAY, minutes=5, kind="maintenance")
    entry = log(agent, change_a)
    for ticket, change in [(request_a, change_a), (None, None)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            TimeEntry.objects.create(
                ticket=ticket,
                change=change,
                organisation_id=entry.organisation_id,
                agreement=entry.agreement,
                author=agent,
                day=DAY,
                minutes=5,
                kind="maintenance",
                period_start=entry.period_start,
            )


def test_contacts_see_change_time_only_of_their_own(anna: Any, bertil: Any, agent: Any, change_a: Change) -> None:
    """Every minute charged to the customer is shown to them, even on a change still being drafted."""
    entry = log(agent, change_a)
    assert change_a.state == "draft"
    assert list(visible_to(anna, TimeEntry)) == [entry]
    assert not visible_to(bertil, TimeEntry).exists()


def test_a_contact_cannot_log_time_on_a_change(anna: Any, change_a: Change) -> None:
    with pytest.raises(ValidationError):
        log(anna, change_a)


def test_additional_work_on_a_change_costs_the_units_its_estimate_was_approved_for(
    agent: Any, anna: Any, change_a: Change, request_a: Ticket, unit_a: Any
) -> None:
    sales = BusinessUnit.objects.create(organisation=request_a.organisation, name="Myynti")
    estimate = estimate_propose(
        actor=agent, ticket=request_a, basis="hours", minutes=120, description="Upgrade", now=NOW
    )
    estimate_approve(actor=anna, estimate=estimate, version=1, split={unit_a.pk: 60, sales.pk: 40}, now=NOW)
    entry = log(agent, change_a, kind="additional", minutes=100)
    correction = time_entry_correct(actor=agent, entry=entry, minutes=40, reason="Partly on another job", now=NOW)
    assert entry.billed_request == correction.billed_request == request_a
    costs = period_costs(anna, entry.agreement, entry.period_start)
    assert {row.name: row.minutes for row in costs.units} == {unit_a.name: 36, "Myynti": 24}
    assert costs.minutes == 60 and additional_minutes(request_a.pk) == 60
