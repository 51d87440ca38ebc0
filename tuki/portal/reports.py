"""The customer's monthly reports (kuukausiraportit) in Online Support Services: the list, each report as a page in
the reader's language, its older versions with their reasons, the same as a PDF, and the rows under it as CSV and
XLSX.

Customer managers see their organisation's reports; other contacts only where the agreement allows it. For anyone
else every one of these addresses is a 404, like a report of another customer.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tuki.accounts.auth import acting_user
from tuki.accounts.models import User
from tuki.core.permissions import contact_required
from tuki.reports.exports import csv_text, xlsx_content
from tuki.reports.models import MonthlyReport
from tuki.reports.presentation import document
from tuki.reports.rendering import report_pdf
from tuki.reports.selectors import chosen_version, may_see_reports, month_versions, parse_month, reports_for


def _reader(request: HttpRequest) -> User:
    user = acting_user(request)
    if not may_see_reports(user):
        raise Http404
    return user


def _versions(request: HttpRequest, month_text: str) -> tuple[list[MonthlyReport], MonthlyReport, date]:
    user = _reader(request)
    month = parse_month(month_text)
    if month is None:
        raise Http404
    versions = month_versions(user, user.contact.organisation_id, month)
    report = chosen_version(versions, request.GET.get("version", ""))
    if report is None:
        raise Http404
    return versions, report, month


@contact_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    months: dict[date, list[MonthlyReport]] = {}
    for report in reports_for(user).filter(organisation_id=user.contact.organisation_id):
        months.setdefault(report.month, []).append(report)
    return render(request, "portal/reports.html", {"months": list(months.items())})


@contact_required
def report_page(request: HttpRequest, month: str) -> HttpResponse:
    versions, report, _month = _versions(request, month)
    context = document(report.figures) | {"report": report, "versions": versions}
    return render(request, "portal/report.html", context)


@contact_required
def report_csv(request: HttpRequest, month: str) -> HttpResponse:
    _versions_found, report, _month = _versions(request, month)
    response = HttpResponse(csv_text(report.figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.download_name("csv")}"'
    return response


@contact_required
def report_xlsx(request: HttpRequest, month: str) -> HttpResponse:
    _versions_found, report, _month = _versions(request, month)
    response = HttpResponse(
        xlsx_content(report.figures), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{report.download_name("xlsx")}"'
    return response


@contact_required
def report_pdf_download(request: HttpRequest, month: str) -> HttpResponse:
    _versions_found, report, _month = _versions(request, month)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.download_name("pdf")}"'
    return response
