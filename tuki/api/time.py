"""Time: a request's time entries, an agreement's quota, and estimates (customer managers approve or decline)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from tuki.agreements.models import Agreement
from tuki.api.auth import caller
from tuki.api.listing import Window, window
from tuki.api.schemas import Input, errors
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.tickets.models import Ticket
from tuki.tickets.selectors import ticket_for_action
from tuki.timesheets.models import Estimate, TimeEntry
from tuki.timesheets.selectors import estimate_for, period_summary
from tuki.timesheets.services import estimate_approve, estimate_decline

router = Router(tags=["time"])


class TimeEntryOut(Schema):
    id: int
    request: str | None
    day: date
    minutes: int
    kind: str
    description: str
    internal_note: str | None = Field(description="Staff only; null for contacts.")
    late: bool


class QuotaOut(Schema):
    agreement: int
    period_start: date
    period_end: date
    quota_minutes: int
    carried_in_minutes: int
    used_minutes: int
    remaining_minutes: int
    over_minutes: int
    percent: int
    closed: bool


class EstimateOut(Schema):
    id: int
    request: str
    state: str
    version: int = Field(description="Send it back with a decision: a revised estimate is decided anew.")
    basis: str
    minutes: int | None
    hourly_rate: Decimal
    amount: Decimal
    description: str
    proposed_at: datetime
    decided_at: datetime | None
    decline_reason: str


class ApproveIn(Input):
    version: int = Field(ge=1, examples=[1])
    split: dict[int, int] | None = Field(
        None, description="Per cent of the cost by business unit id; by default the request's own unit."
    )


class DeclineIn(Input):
    version: int = Field(ge=1, examples=[1])
    reason: str = Field(min_length=1, max_length=500, examples=["Too expensive for this quarter."])


def _entry(entry: TimeEntry, staff: bool) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "request": Ticket(pk=entry.ticket_id).identifier if entry.ticket_id else None,
        "day": entry.day,
        "minutes": entry.minutes,
        "kind": entry.kind,
        "description": entry.description,
        "internal_note": entry.internal_note if staff else None,
        "late": entry.late,
    }


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {
        "id": estimate.pk,
        "request": estimate.ticket.identifier,
        "state": estimate.state,
        "version": estimate.version,
        "basis": estimate.basis,
        "minutes": estimate.minutes,
        "hourly_rate": estimate.hourly_rate,
        "amount": estimate.amount,
        "description": estimate.description,
        "proposed_at": estimate.proposed_at,
        "decided_at": estimate.decided_at,
        "decline_reason": estimate.decline_reason,
    }


@router.get(
    "/requests/{identifier}/time-entries",
    response={200: list[TimeEntryOut], **errors(404)},
    summary="A request's time entries",
    description="The work logged on the request, corrections included.",
)
def time_entry_list(request: HttpRequest, identifier: str, params: Query[Window]) -> list[dict[str, Any]]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    entries = visible_to(user, TimeEntry).filter(ticket=ticket)
    return [_entry(entry, user.is_supplier_staff) for entry in window(entries, params)]


@router.get(
    "/agreements/{agreement_id}/quota",
    response={200: QuotaOut, **errors(404)},
    summary="An agreement's quota",
    description="The maintenance quota of the period holding today: included, used, left and over, in minutes.",
)
def quota(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    user = caller(request)
    agreement = get_visible_or_404(user, Agreement, pk=agreement_id)
    summary = period_summary(agreement, timezone.localdate())
    balance = summary.balance
    return {
        "agreement": agreement.pk,
        "period_start": balance.period.start,
        "period_end": balance.period.last_day,
        "quota_minutes": balance.quota,
        "carried_in_minutes": balance.carried_in,
        "used_minutes": balance.used,
        "remaining_minutes": balance.remaining,
        "over_minutes": balance.over,
        "percent": balance.percent,
        "closed": summary.closed,
    }


@router.get(
    "/estimates",
    response={200: list[EstimateOut], **errors()},
    summary="List estimates",
    description="Cost estimates of additional work on the requests the caller may see.",
)
def estimate_list(request: HttpRequest, params: Query[Window]) -> list[dict[str, Any]]:
    user = caller(request)
    return [_estimate(e) for e in window(visible_to(user, Estimate).select_related("ticket"), params)]


@router.get(
    "/estimates/{estimate_id}",
    response={200: EstimateOut, **errors(404)},
    summary="Read an estimate",
    description="One cost estimate.",
)
def estimate_read(request: HttpRequest, estimate_id: int) -> dict[str, Any]:
    return _estimate(estimate_for(caller(request), estimate_id))


@router.post(
    "/estimates/{estimate_id}/approve",
    response={200: EstimateOut, **errors(403, 404, 409, 413, 422)},
    summary="Approve an estimate (customer manager)",
    description="Approves the version the caller saw; a revised (or already decided) estimate answers 422 and must "
    "be read again.",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"version": 1}}}}},
)
def approve(request: HttpRequest, estimate_id: int, payload: ApproveIn) -> dict[str, Any]:
    user = caller(request)
    estimate = estimate_approve(
        actor=user, estimate=estimate_for(user, estimate_id), version=payload.version, split=payload.split
    )
    return _estimate(estimate_for(user, estimate.pk))


@router.post(
    "/estimates/{estimate_id}/decline",
    response={200: EstimateOut, **errors(403, 404, 409, 413, 422)},
    summary="Decline an estimate (customer manager)",
    description="Declines the version the caller saw, with the reason the supplier reads.",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"version": 1, "reason": "Not now."}}}}},
)
def decline(request: HttpRequest, estimate_id: int, payload: DeclineIn) -> dict[str, Any]:
    user = caller(request)
    estimate = estimate_decline(
        actor=user, estimate=estimate_for(user, estimate_id), version=payload.version, reason=payload.reason
    )
    return _estimate(estimate_for(user, estimate.pk))
