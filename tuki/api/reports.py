"""The monthly reports (read only): the list, one version's frozen figures, and its PDF in the caller's language.

Who may read them is the portal's rule (:func:`tuki.reports.selectors.may_see_reports`): the staff, customer
managers, and other contacts where the agreement allows; anyone else finds none, like another customer's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from tuki.accounts.models import User
from tuki.api.auth import caller
from tuki.api.listing import Window, window
from tuki.api.schemas import errors
from tuki.core.scoping import get_visible_or_404
from tuki.reports.models import MonthlyReport
from tuki.reports.rendering import report_pdf
from tuki.reports.selectors import may_see_reports, reports_for

router = Router(tags=["reports"])


class ReportOut(Schema):
    id: int
    organisation: int
    month: date = Field(description="The first day of the month reported.")
    version: int = Field(description="1 for the report made at the month's end; later versions have a reason.")
    reason: str
    made_at: datetime


class ReportDetail(ReportOut):
    figures: dict[str, Any] = Field(
        description="The frozen figures: requests, SLA, quota, additional work and changes, language-neutral "
        "(codes, minutes, amounts as strings with two decimals)."
    )


def _report(report: MonthlyReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "organisation": report.organisation_id,
        "month": report.month,
        "version": report.version,
        "reason": report.reason,
        "made_at": report.made_at,
    }


def _readable(user: User, report_id: int) -> MonthlyReport:
    if not may_see_reports(user):
        raise Http404
    return get_visible_or_404(user, MonthlyReport.objects.select_related("organisation"), pk=report_id)


@router.get(
    "/reports",
    response={200: list[ReportOut], **errors()},
    summary="List monthly reports",
    description="Every version of every monthly report the caller may read, the newest month first.",
)
def report_list(request: HttpRequest, params: Query[Window]) -> list[dict[str, Any]]:
    user = caller(request)
    if not may_see_reports(user):
        return []
    return [_report(report) for report in window(reports_for(user), params)]


@router.get(
    "/reports/{report_id}",
    response={200: ReportDetail, **errors(404)},
    summary="Read a monthly report",
    description="One version of a report with its figures as they were frozen when it was made.",
)
def report_read(request: HttpRequest, report_id: int) -> dict[str, Any]:
    report = _readable(caller(request), report_id)
    return _report(report) | {"figures": report.figures}


@router.get(
    "/reports/{report_id}/pdf",
    response={200: None, **errors(404)},
    summary="Download a monthly report as PDF",
    description="The report as the customer managers receive it, in the caller's language (Accept-Language, or the "
    "token owner's).",
    openapi_extra={"responses": {200: {"description": "The PDF.", "content": {"application/pdf": {"schema": {}}}}}},
)
def report_pdf_download(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _readable(caller(request), report_id)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.download_name("pdf")}"'
    return response
