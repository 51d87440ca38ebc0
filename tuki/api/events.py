"""A request's history: the events the caller may see (contacts: public ones only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from tuki.api.auth import caller
from tuki.api.request_schemas import EventOut, event_out
from tuki.api.schemas import errors
from tuki.tickets.selectors import ticket_for_action, ticket_history

router = Router(tags=["requests"])


@router.get(
    "/{identifier}/events",
    response={200: list[EventOut], **errors(404)},
    summary="A request's history",
    description="Every event of the request the caller may see, oldest first: filing, replies, moves, and for the "
    "staff internal notes and assignments.",
)
def event_list(request: HttpRequest, identifier: str) -> list[dict[str, Any]]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    return [event_out(event, ticket.identifier) for event in ticket_history(user, ticket)]
