"""Mail the monthly reports' notices not mailed yet (the worker runs it in a process of its own)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tuki.mail.report_notices import send_unsent_report_notices


class Command(BaseCommand):
    help = "Mail the monthly reports to the customer managers who have not had theirs yet."
    # Started by machines, once a message or a job: Django's system checks would import every view first and
    # double the process's time and memory (as for the consumer, tuki/core/management/commands/run_huey.py).
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{send_unsent_report_notices()} monthly report mails sent.")
