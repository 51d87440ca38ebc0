"""What is done to a request: reply, internal note (staff), transition, assign (staff). Each is one service call."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from tuki.accounts.models import User
from tuki.api.auth import caller
from tuki.api.errors import ApiError
from tuki.api.request_schemas import EventOut, RequestDetail, event_out
from tuki.api.requests import detail
from tuki.api.schemas import Input, errors
from tuki.tickets.models import State
from tuki.tickets.selectors import ticket_for_action, ticket_get
from tuki.tickets.services import ticket_assign, ticket_note, ticket_reply, ticket_transition

router = Router(tags=["requests"])


class MessageIn(Input):
    body: str = Field(min_length=1, max_length=100_000, examples=["The invoices went out again at 10:12."])


class TransitionIn(Input):
    to: State = Field(description="The state to move to; the lifecycle decides who may make which move.")


class AssignIn(Input):
    assignee: int | None = Field(description="A staff member's user id, or null for nobody.", examples=[7])


@router.post(
    "/{identifier}/replies",
    response={201: EventOut, **errors(403, 404, 413, 422)},
    summary="Reply",
    description="A public reply, seen by the customer. A contact's reply to a request waiting for them moves it "
    "back to work.",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"body": "It works again."}}}}},
)
def reply(request: HttpRequest, identifier: str, payload: MessageIn) -> Status[dict[str, Any]]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    event = ticket_reply(actor=user, ticket=ticket, body=payload.body)
    return Status(201, event_out(event, ticket.identifier))


@router.post(
    "/{identifier}/notes",
    response={201: EventOut, **errors(403, 404, 413, 422)},
    summary="Internal note (staff)",
    description="A note seen by the supplier's staff only.",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"body": "Customer called too."}}}}},
)
def note(request: HttpRequest, identifier: str, payload: MessageIn) -> Status[dict[str, Any]]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    event = ticket_note(actor=user, ticket=ticket, body=payload.body)
    return Status(201, event_out(event, ticket.identifier))


@router.post(
    "/{identifier}/transitions",
    response={200: RequestDetail, **errors(403, 404, 409, 413, 422)},
    summary="Move to another state",
    description="Moves the request along its lifecycle. A move that does not exist, or that the caller may not make "
    "(say, a contact resolving), answers 409 with the reason.",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"to": "closed"}}}}},
)
def transition(request: HttpRequest, identifier: str, payload: TransitionIn) -> dict[str, Any]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    ticket_transition(actor=user, ticket=ticket, to=payload.to)
    return detail(user, ticket_get(user, identifier))


@router.put(
    "/{identifier}/assignee",
    response={200: RequestDetail, **errors(403, 404, 413, 422)},
    summary="Assign (staff)",
    description="Gives the request to a staff member, or to nobody with null.",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"assignee": 7}}}}},
)
def assign(request: HttpRequest, identifier: str, payload: AssignIn) -> dict[str, Any]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    assignee = User.objects.filter(pk=payload.assignee).first() if payload.assignee is not None else None
    if payload.assignee is not None and assignee is None and user.is_supplier_staff:
        raise ApiError(422, "not_found", _("No such staff member."), field="assignee")
    ticket_assign(actor=user, ticket=ticket, assignee=assignee)
    return detail(user, ticket_get(user, identifier))
