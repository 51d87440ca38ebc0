"""Writes on support requests. Every caller (desk, portal, mail intake, API, jobs) goes through these.

Each service checks the actor's right itself, runs in one transaction, records an event, and keeps the
SLA deadlines stored on the row up to date.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Contact
from tuki.agreements.models import Priority
from tuki.agreements.services import agreement_for
from tuki.sla.deadlines import refresh_deadlines
from tuki.tickets.lifecycle import STAFF, TransitionError, check_transition, role_of
from tuki.tickets.models import PAUSING_STATES, EventKind, SlaPause, State, Ticket, TicketEvent


def _save(ticket: Ticket, now: datetime, fields: list[str]) -> None:
    ticket.updated_at = now
    ticket.save(update_fields=sorted({*fields, "updated_at"}))


@transaction.atomic
def ticket_create(
    *,
    actor: Any,
    requester: Contact,
    subject: str,
    description: str = "",
    priority: int = Priority.NORMAL,
    now: datetime | None = None,
) -> Ticket:
    """File a request for a named contact of an organisation with an agreement in force."""
    now = now or timezone.now()
    role = role_of(actor, requester.organisation_id)
    if role not in (STAFF, "requester") or (role == "requester" and actor.pk != requester.user_id):
        raise PermissionDenied(_("You may not file a request on behalf of this person."))
    if not requester.is_active:
        raise ValidationError({"requester": _("This contact person is no longer active.")})
    agreement = agreement_for(requester.organisation_id, timezone.localdate(now))
    if agreement is None:
        raise ValidationError({"requester": _("The customer has no agreement in force.")})
    ticket = Ticket(
        organisation_id=requester.organisation_id,
        requester=requester,
        agreement=agreement,
        priority=priority,
        subject=subject.strip(),
        description=description,
        created_at=now,
        updated_at=now,
    )
    ticket.full_clean()
    refresh_deadlines(ticket, now)
    ticket.save()
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.CREATED, actor=actor, created_at=now)
    return ticket


@transaction.atomic
def ticket_transition(*, actor: Any, ticket: Ticket, to: str, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if to == State.REOPENED and ticket.resolved_at and role_of(actor, ticket.organisation_id) != STAFF:
        window = timedelta(days=ticket.agreement.reopen_window_days if ticket.agreement else 0)
        if now > ticket.resolved_at + window:
            raise TransitionError(_("The time for reopening this request has passed."))
    check_transition(actor, ticket.organisation_id, ticket.state, to)
    previous = ticket.state
    fields = ["state"]
    _end_pause(ticket, now)
    if to in PAUSING_STATES:
        SlaPause.objects.create(ticket=ticket, started_at=now, reason=PAUSING_STATES[State(to)])
    if to == State.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    if to in (State.CLOSED, State.CANCELLED):
        ticket.closed_at = now
        fields.append("closed_at")
    ticket.state = to
    fields += refresh_deadlines(ticket, now)
    _save(ticket, now, fields)
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.TRANSITION, actor=actor, created_at=now, data={"from": previous, "to": to}
    )
    return ticket


def _end_pause(ticket: Ticket, now: datetime) -> None:
    ticket.pauses.filter(ended_at__isnull=True).update(ended_at=now)


@transaction.atomic
def ticket_set_priority(*, actor: Any, ticket: Ticket, priority: int, now: datetime | None = None) -> Ticket:
    """Change the priority; the deadlines are recomputed from the request's start under the new target."""
    now = now or timezone.now()
    if role_of(actor, ticket.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff may change the priority."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous = ticket.priority
    ticket.priority = Priority(priority)
    fields = ["priority", *refresh_deadlines(ticket, now)]
    _save(ticket, now, fields)
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.FIELD_CHANGE,
        actor=actor,
        created_at=now,
        data={"field": "priority", "from": previous, "to": priority},
    )
    return ticket


@transaction.atomic
def ticket_reply(*, actor: Any, ticket: Ticket, body: str, now: datetime | None = None) -> TicketEvent:
    """A public reply. The staff's first one meets the response target; the customer's answer resumes work."""
    now = now or timezone.now()
    role = role_of(actor, ticket.organisation_id)
    if role is None:
        raise PermissionDenied(_("You may not reply to this request."))
    if not body.strip():
        raise ValidationError({"body": _("Write a message before sending.")})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    fields: list[str] = []
    if role == STAFF and ticket.first_responded_at is None:
        ticket.first_responded_at = now
        fields.append("first_responded_at")
    event = TicketEvent.objects.create(ticket=ticket, kind=EventKind.REPLY, actor=actor, body=body, created_at=now)
    _save(ticket, now, fields)
    if role != STAFF and ticket.state == State.WAITING:
        ticket_transition(actor=actor, ticket=ticket, to=State.IN_PROGRESS, now=now)
    return event


def tickets_close_resolved(*, now: datetime) -> int:
    """Close requests whose reopen window has passed. Run by the worker; returns how many were closed."""
    closed = 0
    candidates = Ticket.objects.filter(state=State.RESOLVED).select_related("agreement")
    for ticket in candidates.iterator():
        window = timedelta(days=ticket.agreement.reopen_window_days if ticket.agreement else 0)
        if ticket.resolved_at and now >= ticket.resolved_at + window:
            ticket_transition(actor=None, ticket=ticket, to=State.CLOSED, now=now)
            closed += 1
    return closed
