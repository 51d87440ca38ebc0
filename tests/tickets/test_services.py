"""The request services check the actor and the customer themselves, save all or nothing, and record events."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuki.accounts.services import contact_deactivate
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment
from tuki.tickets.models import EventKind, Kind, State, Ticket, TicketEvent
from tuki.tickets.services import (
    ticket_assign,
    ticket_create,
    ticket_merge,
    ticket_note,
    ticket_update,
)


@pytest.fixture
def env_a(org_a: Any) -> Environment:
    return Environment.objects.create(organisation=org_a, name="Intranet, production")


@pytest.fixture
def env_b(org_b: Any) -> Environment:
    return Environment.objects.create(organisation=org_b, name="Lönesystem")


def test_no_agreement_in_force_is_refused(agent: Any, anna: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=agent, requester=anna.contact, subject="Help")
    assert "requester" in refused.value.message_dict
    assert Ticket.objects.count() == 0


def test_inactive_contact_is_refused(agent: Any, aaro: Any, agreement_a: Any) -> None:
    contact_deactivate(contact=aaro)
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=agent, requester=aaro, subject="Help")
    assert "requester" in refused.value.message_dict
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("field", ["environment", "business_unit", "cc"])
def test_anything_of_another_organisation_is_refused(
    anna: Any, bertil: Any, agreement_a: Any, env_b: Environment, unit_b: Any, field: str
) -> None:
    other = {"environment": env_b, "business_unit": unit_b, "cc": [bertil.contact]}
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=anna, requester=anna.contact, subject="Help", **{field: other[field]})
    assert set(refused.value.message_dict) == {field}
    assert Ticket.objects.count() == 0


def test_inactive_cc_is_refused(anna: Any, aaro: Any, agreement_a: Any) -> None:
    contact_deactivate(contact=aaro)
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=anna, requester=anna.contact, subject="Help", cc=[aaro])
    assert "cc" in refused.value.message_dict
    assert Ticket.objects.count() == 0


def test_contact_cannot_file_for_another_contact(anna: Any, aaro: Any, bertil: Any, agreement_a: Any) -> None:
    with pytest.raises(PermissionDenied):
        ticket_create(actor=anna, requester=aaro, subject="On Aaro's behalf")
    with pytest.raises(PermissionDenied):
        ticket_create(actor=bertil, requester=anna.contact, subject="On Anna's behalf")
    assert Ticket.objects.count() == 0


def test_submission_key_does_not_skip_the_permission_check(anna: Any, bertil: Any, agreement_a: Any) -> None:
    ticket_create(actor=anna, requester=anna.contact, subject="Salaries", submission_key="anna-form")
    with pytest.raises(PermissionDenied):
        ticket_create(actor=bertil, requester=anna.contact, subject="x", submission_key="anna-form")


def test_notes_are_staff_only_and_hidden_from_the_customer(anna: Any, agent: Any, request_a: Ticket) -> None:
    with pytest.raises(PermissionDenied):
        ticket_note(actor=anna, ticket=request_a, body="Let me in")
    note = ticket_note(actor=agent, ticket=request_a, body="Customer's VPN is down again.")
    assert not note.public
    assert not visible_to(anna, TicketEvent).filter(pk=note.pk).exists()
    assert visible_to(anna, TicketEvent).filter(ticket=request_a).exists()
    assert visible_to(agent, TicketEvent).filter(pk=note.pk).exists()


def test_assign_only_to_staff_and_record_it(anna: Any, agent: Any, manager: Any, request_a: Ticket) -> None:
    with pytest.raises(ValidationError) as refused:
        ticket_assign(actor=agent, ticket=request_a, assignee=anna)
    assert "assignee" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        ticket_assign(actor=anna, ticket=request_a, assignee=agent)
    assert not request_a.events.filter(kind=EventKind.ASSIGNMENT).exists()
    ticket = ticket_assign(actor=manager, ticket=request_a, assignee=agent)
    assert ticket.assignee == agent
    event = request_a.events.get(kind=EventKind.ASSIGNMENT)
    assert (event.actor, event.data, event.public) == (manager, {"from": None, "to": agent.pk}, False)


def test_update_records_one_event_per_changed_field(agent: Any, request_a: Ticket, env_a: Environment) -> None:
    ticket = ticket_update(
        actor=agent, ticket=request_a, kind=Kind.SERVICE_REQUEST, environment=env_a, subject=request_a.subject
    )
    ticket.refresh_from_db()
    assert (ticket.kind, ticket.environment) == (Kind.SERVICE_REQUEST, env_a)
    changes = {e.data["field"]: e.data for e in ticket.events.filter(kind=EventKind.FIELD_CHANGE)}
    assert changes == {
        "kind": {"field": "kind", "from": Kind.INCIDENT, "to": Kind.SERVICE_REQUEST},
        "environment": {"field": "environment", "from": None, "to": env_a.pk},
    }


def test_update_refuses_another_organisations_environment(agent: Any, request_a: Ticket, env_b: Environment) -> None:
    with pytest.raises(ValidationError) as refused:
        ticket_update(actor=agent, ticket=request_a, environment=env_b)
    assert "environment" in refused.value.message_dict
    request_a.refresh_from_db()
    assert request_a.environment is None
    assert not request_a.events.filter(kind=EventKind.FIELD_CHANGE).exists()


def test_merge_cancels_the_duplicate_and_links_both(anna: Any, agent: Any, request_a: Ticket) -> None:
    duplicate = ticket_create(actor=anna, requester=anna.contact, subject="Intranet is slow (again)")
    ticket_merge(actor=agent, duplicate=duplicate, into=request_a)
    duplicate.refresh_from_db()
    assert duplicate.state == State.CANCELLED
    assert duplicate.merged_into == request_a
    assert duplicate.events.filter(kind=EventKind.TRANSITION, data__merged_into=request_a.identifier).exists()
    assert request_a.events.filter(kind=EventKind.MERGE, data__merged=duplicate.identifier).exists()


def test_merge_across_organisations_is_refused(agent: Any, bertil: Any, agreement_b: Any, request_a: Ticket) -> None:
    other = ticket_create(actor=bertil, requester=bertil.contact, subject="Lönerna")
    for duplicate, into in ((other, request_a), (request_a, other)):
        with pytest.raises(ValidationError):
            ticket_merge(actor=agent, duplicate=duplicate, into=into)
    for ticket in (request_a, other):
        ticket.refresh_from_db()
        assert (ticket.state, ticket.merged_into) == (State.NEW, None)
        assert ticket.events.count() == 1


def test_history_is_append_only(request_a: Ticket) -> None:
    event = request_a.events.get()
    event.body = "Rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert request_a.events.get().body == ""
