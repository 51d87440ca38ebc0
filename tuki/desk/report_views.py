"""The monthly reports on the desk: every customer's month side by side (from the reports themselves), one
customer's report with its versions and the managers' button to make a new version, and the failed runs."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Organisation
from tuki.core.permissions import manager_required, staff_required
from tuki.core.scoping import get_visible_or_404
from tuki.reports.comparison import SORTS, customer_row, sorted_rows
from tuki.reports.exports import csv_text, xlsx_content
from tuki.reports.figures import ReportMonthError
from tuki.reports.figures.period import add_months
from tuki.reports.models import MonthlyReport
from tuki.reports.presentation import document
from tuki.reports.rendering import report_pdf
from tuki.reports.selectors import (
    chosen_version,
    customers_with_agreement,
    latest_reports,
    month_versions,
    open_failures,
    parse_month,
)
from tuki.reports.services import report_make


def _month(text: str | None) -> date:
    last = add_months(timezone.localdate().replace(day=1), -1)
    return parse_month(text or "") or last


@staff_required
def reports_month(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month"))
    sort = request.GET.get("sort", "customer")
    reports = latest_reports(month)
    rows = sorted_rows([customer_row(report.figures) for report in reports], sort)
    made = {report.organisation_id for report in reports}
    context = {
        "month": month,
        "rows": rows,
        "sort": sort,
        "columns": list(zip(SORTS, _column_titles(), strict=True)),
        "missing": [o for o in customers_with_agreement(month) if o.pk not in made],
        "failures": list(open_failures().filter(month=month)),
        "previous": add_months(month, -1),
        "next": add_months(month, 1) if add_months(month, 1) < timezone.localdate().replace(day=1) else None,
    }
    return render(request, "desk/reports.html", context)


def _column_titles() -> list[str]:
    return [
        _("Customer"),
        _("Requests"),
        _("Responses in time"),
        _("Resolutions in time"),
        _("Quota used"),
        _("Additional work"),
        _("Targets missed"),
    ]


def _chosen(request: HttpRequest, organisation_id: int, month_text: str) -> tuple[list[MonthlyReport], MonthlyReport]:
    month = parse_month(month_text)
    if month is None:
        raise Http404
    versions = month_versions(acting_user(request), organisation_id, month)
    report = chosen_version(versions, request.GET.get("version", ""))
    if report is None:
        raise Http404
    return versions, report


@staff_required
def report_page(request: HttpRequest, organisation_id: int, month: str) -> HttpResponse:
    versions, report = _chosen(request, organisation_id, month)
    return render(request, "desk/report.html", document(report.figures) | {"report": report, "versions": versions})


@staff_required
def report_download(request: HttpRequest, organisation_id: int, month: str, extension: str) -> HttpResponse:
    if extension not in ("csv", "xlsx", "pdf"):
        raise Http404
    _versions, report = _chosen(request, organisation_id, month)
    if extension == "pdf":
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    elif extension == "csv":
        response = HttpResponse(csv_text(report.figures), content_type="text/csv; charset=utf-8")
    else:
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_content(report.figures), content_type=kind)
    name = report.download_name(extension, with_customer=True)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
@manager_required
@require_POST
def report_regenerate(request: HttpRequest, organisation_id: int, month: str) -> HttpResponse:
    organisation = get_visible_or_404(acting_user(request), Organisation, pk=organisation_id)
    chosen = parse_month(month)
    if chosen is None:
        raise Http404
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Say why a new version is made: the customer sees the reason."))
    else:
        try:
            report = report_make(organisation=organisation, month=chosen, actor=acting_user(request), reason=reason)
            messages.success(request, _("Version %(version)s of the report was made.") % {"version": report.version})
        except (ReportMonthError, ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("desk:report", organisation_id=organisation_id, month=month)
