"""Agreements and their SLA targets (read only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from tuki.agreements.models import Agreement, SlaTarget
from tuki.api.auth import caller
from tuki.api.listing import Window, window
from tuki.api.schemas import errors
from tuki.core.scoping import get_visible_or_404, visible_to

router = Router(tags=["agreements"])


class SlaTargetOut(Schema):
    priority: int
    first_response_minutes: int
    resolution_minutes: int


class AgreementOut(Schema):
    id: int
    organisation: int
    name: str
    valid_from: date
    valid_until: date | None
    includes_on_call: bool
    reopen_window_days: int
    quota_hours: Decimal
    quota_period: str
    hourly_rate: Decimal
    targets: list[SlaTargetOut]


def _agreement(agreement: Agreement, targets: list[SlaTarget]) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "organisation": agreement.organisation_id,
        "name": agreement.name,
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "includes_on_call": agreement.includes_on_call,
        "reopen_window_days": agreement.reopen_window_days,
        "quota_hours": agreement.quota_hours,
        "quota_period": agreement.quota_period,
        "hourly_rate": agreement.hourly_rate,
        "targets": [
            {
                "priority": t.priority,
                "first_response_minutes": t.first_response_minutes,
                "resolution_minutes": t.resolution_minutes,
            }
            for t in targets
        ],
    }


@router.get(
    "/agreements",
    response={200: list[AgreementOut], **errors()},
    summary="List agreements",
    description="Support and maintenance agreements with their SLA targets per priority.",
)
def agreement_list(request: HttpRequest, params: Query[Window]) -> list[dict[str, Any]]:
    user = caller(request)
    agreements = window(visible_to(user, Agreement).prefetch_related("targets"), params)
    return [_agreement(agreement, list(agreement.targets.all())) for agreement in agreements]


@router.get(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **errors(404)},
    summary="Read an agreement",
    description="One agreement with its SLA targets (minutes of service hours).",
)
def agreement_read(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    user = caller(request)
    agreement = get_visible_or_404(user, Agreement, pk=agreement_id)
    return _agreement(agreement, list(visible_to(user, SlaTarget).filter(agreement=agreement)))
