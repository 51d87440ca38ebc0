"""How a support request, its events and attachments look in the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from tuki.agreements.models import Priority
from tuki.api.schemas import Input, Ref
from tuki.tickets.models import Attachment, Kind, State, Ticket, TicketEvent

EXAMPLE_ID = "SR-1042"


class RequestOut(Schema):
    id: str = Field(description="The request's identifier.", examples=[EXAMPLE_ID])
    subject: str
    description: str
    state: State
    kind: Kind
    priority: Priority = Field(description="1 critical, 2 high, 3 normal, 4 low.")
    channel: str
    organisation: Ref
    requester: Ref = Field(description="The named contact the request is for (a contact id).")
    assignee: Ref | None = Field(description="The agent who has it (a user id), or null.")
    environment: int | None
    business_unit: int | None
    external_reference: str | None = Field(description="The customer desk's own ticket number.")
    created_at: datetime
    updated_at: datetime
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    created_at: datetime
    url: str = Field(description="Where to download it (with the same authentication).")


class EventOut(Schema):
    id: int
    kind: str = Field(examples=["reply"])
    public: bool = Field(description="False for internal notes and the desk's own events (staff only).")
    body: str
    actor: Ref | None
    created_at: datetime
    data: dict[str, Any]
    attachments: list[AttachmentOut]


class RequestDetail(RequestOut):
    events: list[EventOut] = Field(description="The history the caller may see, oldest first.")


class RequestPage(Schema):
    items: list[RequestOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class RequestIn(Input):
    subject: str = Field(min_length=1, max_length=200, examples=["Invoices are not sent"])
    description: str = Field("", max_length=100_000, examples=["Since this morning no invoice mail leaves."])
    kind: Kind = Kind.INCIDENT
    priority: Priority = Priority.NORMAL
    requester: int | None = Field(
        None, description="A contact id: the staff must name one; a contact files for themself (default)."
    )
    environment: int | None = None
    business_unit: int | None = None
    cc: list[int] = Field(default_factory=list, max_length=50, description="Contact ids to copy.")
    external_reference: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="The customer desk's own ticket number: unique per customer, and an idempotency key.",
        examples=["INC0012345"],
    )


def utc(moment: datetime | None) -> datetime | None:
    """Every time in UTC: the same request reads the same whether just written (local time) or read back."""
    return moment.astimezone(UTC) if moment is not None else None


def _ref_user(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.full_name} if user is not None else None


def request_out(ticket: Ticket) -> dict[str, Any]:
    """Needs the ticket with its organisation, requester's user and assignee loaded."""
    return {
        "id": ticket.identifier,
        "subject": ticket.subject,
        "description": ticket.description,
        "state": ticket.state,
        "kind": ticket.kind,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "organisation": {"id": ticket.organisation_id, "name": ticket.organisation.name},
        "requester": {"id": ticket.requester_id, "name": ticket.requester.user.full_name},
        "assignee": _ref_user(ticket.assignee),
        "environment": ticket.environment_id,
        "business_unit": ticket.business_unit_id,
        "external_reference": ticket.external_reference,
        "created_at": utc(ticket.created_at),
        "updated_at": utc(ticket.updated_at),
        "first_response_due": utc(ticket.first_response_due),
        "resolution_due": utc(ticket.resolution_due),
        "first_responded_at": utc(ticket.first_responded_at),
        "resolved_at": utc(ticket.resolved_at),
        "closed_at": utc(ticket.closed_at),
    }


def attachment_out(attachment: Attachment, identifier: str) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "created_at": utc(attachment.created_at),
        "url": reverse("api:attachment_download", args=[identifier, attachment.pk]),
    }


def event_out(event: TicketEvent, identifier: str) -> dict[str, Any]:
    """Needs the event's actor loaded; its files are those ``tickets.selectors.ticket_history`` put on it, or, for an
    event just written, read here."""
    files = getattr(event, "files", None)
    if files is None:
        files = event.attachments.all() if getattr(event, "has_files", True) else []
    return {
        "id": event.pk,
        "kind": event.kind,
        "public": event.public,
        "body": event.body,
        "actor": _ref_user(event.actor),
        "created_at": utc(event.created_at),
        "data": event.data,
        "attachments": [attachment_out(attachment, identifier) for attachment in files],
    }
