"""The monthly job: on the first day of each month, from the configured hour (Europe/Helsinki), last month's report of
every customer that had an agreement in it. It runs every ten minutes and makes only what is missing, so a customer
whose report failed is tried again at the next run (up to ``ReportFailure.RETRIES`` times), a worker that was down at
the hour catches up, and several workers at once make each report once (:func:`report_make` claims it)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuki.core.apart import run_apart
from tuki.core.claims import claimed
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


# Longer than the reports of every customer take (a minute for 200 at a million requests), shorter than the wait
# for the next tick: a second consumer's copy of the job waits for the next tick instead of making them again.
PERIODIC_CLAIM = timedelta(minutes=9)
PERIODIC_TIMEOUT = 3 * 60 * 60


@db_periodic_task(crontab(minute="*/10"))
def reports_periodic_job() -> None:
    """The missing monthly reports, then the running month for the desk's front page, in a process of their own:
    the memory they need goes back when it exits instead of staying with the worker (tuki.core.apart)."""
    with claimed("reports.periodic", for_=PERIODIC_CLAIM, release_after=False) as mine:
        if mine:
            run_apart("reports_periodic", timeout=PERIODIC_TIMEOUT)
