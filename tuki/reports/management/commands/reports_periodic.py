"""What the worker's ten-minute job runs in a process of its own (tuki.core.apart): the monthly reports still
missing, then every customer's running month for the managers' front page on the desk."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tuki.reports.comparison import refresh_month_so_far
from tuki.reports.tasks import make_monthly_reports


class Command(BaseCommand):
    help = "Make the monthly reports still missing and refresh the running month's figures (the worker runs it)."
    # Started by machines, once a message or a job: Django's system checks would import every view first and
    # double the process's time and memory (as for the consumer, tuki/core/management/commands/run_huey.py).
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        made = make_monthly_reports(now)
        rows = refresh_month_so_far(now)
        self.stdout.write(f"{made} monthly reports made; the month so far of {len(rows)} customers.")
