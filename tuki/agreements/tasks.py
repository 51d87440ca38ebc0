"""The agreements' background jobs."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuki.agreements.models import ServiceCalendar
from tuki.agreements.public_holidays import prepare_years, years_around


@db_periodic_task(crontab(hour="2", minute="47"))
def holidays_prepare_job() -> None:
    """Store the coming years' public holidays of every calendar's country before a web worker needs them."""
    countries = ServiceCalendar.objects.values_list("holiday_country", flat=True).distinct()
    prepare_years(countries, years_around(timezone.localdate()))
