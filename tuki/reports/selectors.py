"""Reads of the monthly reports: who receives them, which customers get one, and the archive as a viewer sees it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tuki.accounts.models import Organisation, User
from tuki.agreements.models import Agreement
from tuki.core.scoping import visible_to
from tuki.reports.figures.period import next_month
from tuki.reports.models import MonthlyReport, ReportFailure


def month_end(organisation: Organisation, month: date) -> datetime:
    """The first moment after ``month`` in the time zone of the agreement governing its last day."""
    last_day = next_month(month) - timedelta(days=1)
    agreement = (
        Agreement.objects.filter(organisation=organisation)
        .in_force(last_day)
        .select_related("service_calendar")
        .first()
    )
    zone = ZoneInfo(agreement.service_calendar.timezone if agreement else settings.TIME_ZONE)
    return datetime.combine(next_month(month), time(0), tzinfo=zone)


def report_readers(organisation_id: int) -> list[User]:
    """The customer managers who take mail: each gets the new report's mail."""
    return list(
        User.objects.filter(
            contact__organisation_id=organisation_id,
            contact__is_customer_manager=True,
            contact__deactivated_at__isnull=True,
            is_active=True,
            mail_notifications=True,
        ).order_by("pk")
    )


def customers_with_agreement(month: date) -> list[Organisation]:
    """The active customers with an agreement in force on some day of ``month``."""
    last_day = next_month(month) - timedelta(days=1)
    covered = Agreement.objects.filter(valid_from__lte=last_day).exclude(valid_until__lt=month)
    return list(Organisation.objects.filter(is_active=True, pk__in=covered.values("organisation_id")).order_by("pk"))


def may_see_reports(user: User) -> bool:
    """Whether the reports exist for ``user`` at all: the supplier's staff, customer managers, and other contacts
    whose agreement lets them see the reports."""
    if user.is_supplier_staff:
        return True
    contact = getattr(user, "contact", None)
    if contact is None or not user.is_active or contact.deactivated_at is not None:
        return False
    if contact.is_customer_manager:
        return True
    governing = Agreement.objects.governing(contact.organisation_id, timezone.localdate())
    return Agreement.objects.filter(pk__in=governing.values("pk"), contacts_see_reports=True).exists()


def reports_for(user: User) -> QuerySet[MonthlyReport]:
    """Every version the user may see, newest month first, the latest version first."""
    return visible_to(user, MonthlyReport).select_related("organisation", "made_by").defer("figures")


def month_versions(user: User, organisation_id: int, month: date) -> list[MonthlyReport]:
    """The versions of one customer's month the user may see, the latest first (empty: none, or not theirs)."""
    found = visible_to(user, MonthlyReport).filter(organisation_id=organisation_id, month=month)
    return list(found.select_related("organisation", "made_by").order_by("-version"))


def latest_reports(month: date) -> list[MonthlyReport]:
    """The latest version of every customer's report of ``month`` (for the supplier's side-by-side view)."""
    reports = (
        MonthlyReport.objects.filter(month=month).select_related("organisation").order_by("organisation_id", "-version")
    )
    latest: dict[int, MonthlyReport] = {}
    for report in reports:
        latest.setdefault(report.organisation_id, report)
    return sorted(latest.values(), key=lambda report: report.organisation.name.casefold())


def open_failures() -> QuerySet[ReportFailure]:
    return ReportFailure.objects.filter(resolved_at__isnull=True).select_related("organisation")


def parse_month(text: str) -> date | None:
    """ "2026-11" as the first day of that month; None for anything else."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def chosen_version(versions: list[MonthlyReport], asked: str) -> MonthlyReport | None:
    """The version asked for in the address (``?version=2``), or the latest; None when there is no such version."""
    if not asked:
        return versions[0] if versions else None
    return next((report for report in versions if str(report.version) == asked), None)
