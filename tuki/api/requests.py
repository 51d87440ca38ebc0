"""Support requests: list (the desk's filters and search), read, and file (JSON, or multipart with attachments)."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tuki.accounts.models import BusinessUnit, Contact, User
from tuki.agreements.models import Priority
from tuki.api import pagination
from tuki.api.auth import caller
from tuki.api.errors import ApiError
from tuki.api.request_schemas import EXAMPLE_ID, RequestDetail, RequestIn, RequestPage, event_out, request_out
from tuki.api.schemas import errors, json_answer
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment
from tuki.search.query import parse
from tuki.tickets.models import Channel, Kind, State, Ticket, TicketEvent
from tuki.tickets.queues import FILTERS, queue_filter, sla_filter
from tuki.tickets.search import search
from tuki.tickets.selectors import ticket_get, ticket_history
from tuki.tickets.services import ticket_create

router = Router(tags=["requests"])
LISTED = ("organisation", "requester__user", "assignee")


class RequestFilters(Schema):
    queue: Literal["unassigned", "mine", "unread", "open", "waiting", "risk", "all"] = Field(
        "all", description="One of the desk's queues."
    )
    organisation: int | None = None
    state: State | None = None
    priority: Priority | None = None
    kind: Kind | None = None
    assignee: int | None = Field(None, description="A user id.")
    environment: int | None = None
    sla: Literal["breached", "at_risk", "paused", "running"] | None = None
    q: str | None = Field(None, max_length=200, description="Full-text search, as in the desk.", examples=["invoice"])
    external_reference: str | None = Field(None, max_length=100, examples=["INC0012345"])
    order: Literal["newest", "oldest"] = "newest"
    cursor: str | None = Field(None, max_length=100, description="`next_cursor` of the page before.")
    limit: int = Field(50, ge=1, le=100)


@router.get(
    "",
    response={200: RequestPage, **errors(422)},
    summary="List requests",
    description="The requests the caller may see, newest first, filtered like the desk's queues and searched like "
    "its search box. Pages follow by `cursor`, so requests filed meanwhile never shift a later page.",
    openapi_extra={"x-examples": {"search": "/api/v1/requests?q=invoice&state=in_progress"}},
)
def request_list(request: HttpRequest, filters: Query[RequestFilters]) -> HttpResponse:
    user = caller(request)
    now = timezone.now()
    queryset = visible_to(user, Ticket).filter(queue_filter(filters.queue, user, now))
    data = filters.model_dump()
    for key, column in FILTERS.items():
        if data.get(key) is not None:
            queryset = queryset.filter(**{column: data[key]})
    if filters.sla:
        queryset = queryset.filter(sla_filter(filters.sla, now))
    if filters.external_reference:
        queryset = queryset.filter(external_reference=filters.external_reference)
    if filters.q and filters.q.strip():
        queryset = search(queryset, parse(filters.q), public_only=not user.is_supplier_staff)
    rows, following = pagination.page(
        queryset,
        related=LISTED,
        cursor=filters.cursor,
        limit=filters.limit,
        newest_first=filters.order == "newest",
    )
    return json_answer({"items": [request_out(ticket) for ticket in rows], "next_cursor": following})


def detail(user: User, ticket: Ticket) -> dict[str, Any]:
    events = ticket_history(user, ticket)
    return {**request_out(ticket), "events": [event_out(event, ticket.identifier) for event in events]}


def _one(user: User, model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = visible_to(user, model).filter(pk=pk).first()
    if found is None:
        raise ApiError(422, "not_found", _("No such object, or not yours to use."), field=field)
    return found


def _file(request: HttpRequest, user: User, payload: RequestIn, files: list[UploadedFile]) -> HttpResponse:
    """File the request through the portal's own service; a known ``external_reference`` answers with its request."""
    if payload.requester is None:
        contact = getattr(user, "contact", None)
        if user.is_supplier_staff or contact is None:
            raise ApiError(422, "missing", _("This field is required."), field="requester")
        requester = contact
    else:
        requester = _one(user, Contact.objects.select_related("user", "organisation"), payload.requester, "requester")
    reference = (payload.external_reference or "").strip() or None
    if reference:
        earlier = Ticket.objects.filter(organisation_id=requester.organisation_id, external_reference=reference)
        if earlier.exists():
            return _replayed(request, user, earlier.values_list("pk", flat=True).get())
    now = timezone.now()
    ticket = ticket_create(
        actor=user,
        requester=requester,
        subject=payload.subject,
        description=payload.description,
        kind=payload.kind,
        priority=payload.priority,
        channel=Channel.API,
        environment=_one(user, Environment, payload.environment, "environment"),
        business_unit=_one(user, BusinessUnit, payload.business_unit, "business_unit"),
        cc=[_one(user, Contact, pk, f"cc.{index}") for index, pk in enumerate(payload.cc)],
        files=files,
        external_reference=reference,
        now=now,
    )
    if ticket.created_at != now:  # another call with the same reference got there first: its request is the answer
        return _replayed(request, user, ticket.pk)
    return json_answer(_new(ticket, requester, bool(files)), 201)


def _new(ticket: Ticket, requester: Contact, with_files: bool) -> dict[str, Any]:
    """The request just filed, from what is at hand: its only event so far is its filing, seen by all who see it."""
    ticket.organisation = requester.organisation
    ticket.requester = requester
    events = list(TicketEvent.objects.filter(ticket=ticket).select_related("actor"))
    if with_files:
        prefetch_related_objects(events, "attachments")
    for event in events:
        event.has_files = with_files  # type: ignore[attr-defined]
    return {**request_out(ticket), "events": [event_out(event, ticket.identifier) for event in events]}


def _replayed(request: HttpRequest, user: User, pk: int) -> HttpResponse:
    if not visible_to(user, Ticket).filter(pk=pk).exists():
        raise ApiError(
            409,
            "external_reference_taken",
            _("Another request of this customer has this external reference."),
            field="external_reference",
        )
    return _answer(request, user, pk, 200)


def _answer(request: HttpRequest, user: User, pk: int, status: int) -> HttpResponse:
    return json_answer(detail(user, ticket_get(user, Ticket(pk=pk).identifier)), status)


CREATE_DESCRIPTION = (
    "File a request for a named contact (a contact files for themself). With `external_reference`, the customer "
    "desk's own ticket number, filing the same reference again answers 200 with the request made the first time "
    "instead of making another: safe to retry."
)


@router.post(
    "",
    response={201: RequestDetail, 200: RequestDetail, **errors(400, 403, 409, 413, 422)},
    summary="File a request",
    description=CREATE_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "subject": "Invoices are not sent",
                        "description": "Since 9:00 no invoice mail leaves the system.",
                        "kind": "incident",
                        "priority": 2,
                        "external_reference": "INC0012345",
                    }
                }
            }
        }
    },
)
def request_create(request: HttpRequest, payload: RequestIn) -> HttpResponse:
    return _file(request, caller(request), payload, [])


@router.post(
    "/with-attachments",
    response={201: RequestDetail, 200: RequestDetail, **errors(400, 403, 409, 413, 422)},
    summary="File a request with attachments",
    description=CREATE_DESCRIPTION + " The fields as form fields of a multipart/form-data body, the files as `files`.",
)
def request_create_with_files(
    request: HttpRequest, payload: Form[RequestIn], files: File[list[UploadedFile]]
) -> HttpResponse:
    return _file(request, caller(request), payload, files)


# After "/with-attachments": Django tries the routes in order, and this one would take that address too.
@router.get(
    "/{identifier}",
    response={200: RequestDetail, **errors(404)},
    url_name="request",
    summary="Read a request",
    description=f"One request with the history the caller may see (contacts: public events only). "
    f"For example `{EXAMPLE_ID}`.",
)
def request_read(request: HttpRequest, identifier: str) -> HttpResponse:
    user = caller(request)
    return json_answer(detail(user, ticket_get(user, identifier)))
