"""The monthly job: on the first day of each month, from the configured hour (Europe/Helsinki), last month's report of
every customer that had an agreement in it. It runs every ten minutes and makes only what is missing, so a customer
whose report failed is tried again at the next run (up to ``ReportFailure.RETRIES`` times), a worker that was down at
the hour catches up, and several workers at once make each report once (:func:`report_make` claims it)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuki.reports.comparison import refresh_month_so_far
from tuki.reports.figures.period import add_months
from tuki.reports.models import MonthlyReport, ReportFailure
from tuki.reports.selectors import customers_with_agreement
from tuki.reports.services import report_failure_record, report_make

logger = logging.getLogger(__name__)
SCHEDULE_ZONE = ZoneInfo("Europe/Helsinki")


def month_due(now: datetime) -> date | None:
    """Last month, once this month's first day has reached the report hour; None before it."""
    local = now.astimezone(SCHEDULE_ZONE)
    if local.day == 1 and local.hour < settings.TUKI_REPORT_HOUR:
        return None
    return add_months(local.date().replace(day=1), -1)


def make_monthly_reports(now: datetime) -> int:
    """Make the reports still missing for the month due; returns how many customers have one after this run."""
    month = month_due(now)
    if month is None:
        return 0
    made = set(MonthlyReport.objects.filter(month=month, version=1).values_list("organisation_id", flat=True))
    given_up = set(
        ReportFailure.objects.filter(
            month=month, resolved_at__isnull=True, attempts__gte=ReportFailure.RETRIES
        ).values_list("organisation_id", flat=True)
    )
    done = 0
    for organisation in customers_with_agreement(month):
        if organisation.pk in made or organisation.pk in given_up:
            continue
        try:
            report_make(organisation=organisation, month=month, now=now)
            done += 1
        except Exception as error:  # one customer's failure must not keep the others from their reports
            logger.exception("The monthly report of %s for %s failed", organisation.pk, month)
            report_failure_record(organisation=organisation, month=month, error=f"{type(error).__name__}: {error}")
    return done


@db_periodic_task(crontab(minute="*/10"))
def monthly_report_job() -> None:
    make_monthly_reports(timezone.now())


@db_periodic_task(crontab(minute="*/10"))
def month_so_far_job() -> None:
    """The running month of every customer for the managers' front page on the desk."""
    refresh_month_so_far(timezone.now())
