"""Make monthly reports by hand: one customer's, or every customer's with an agreement in the month, with a progress
bar on stderr. Without ``--reason`` a report already made is left as it is (as the monthly job does); with a reason,
a new version is made."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuki.accounts.models import Organisation
from tuki.reports.figures import ReportMonthError
from tuki.reports.selectors import customers_with_agreement, parse_month
from tuki.reports.services import report_failure_record, report_make


class Command(BaseCommand):
    help = "Make the monthly reports of a month (YYYY-MM), of one customer or of all, with a progress bar."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--organisation", type=int, help="The customer's id; by default every customer.")
        parser.add_argument("--reason", default="", help="Make a new version, for this reason.")

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"])
        if month is None:
            raise CommandError(f"--month must be YYYY-MM; got {options['month']!r}.")
        if options["organisation"] is not None:
            customers = list(Organisation.objects.filter(pk=options["organisation"]))
            if not customers:
                raise CommandError(f"No customer has the id {options['organisation']}.")
        else:
            customers = customers_with_agreement(month)
        started = time.monotonic()
        made = failed = 0
        for done, organisation in enumerate(customers, start=1):
            try:
                report = report_make(organisation=organisation, month=month, reason=options["reason"])
                made += 1
                self.stdout.write(f"{organisation.name}: version {report.version}")
            except ReportMonthError as error:
                raise CommandError(str(error)) from None
            except Exception as error:  # noqa: BLE001 - reported and recorded; the other customers go on
                failed += 1
                report_failure_record(organisation=organisation, month=month, error=f"{type(error).__name__}: {error}")
                self.stdout.write(f"{organisation.name}: FAILED {type(error).__name__}: {error}")
            self._progress(done, len(customers), started)
        self.stderr.write("")
        self.stdout.write(f"{made} reports, {failed} failed, in {time.monotonic() - started:.1f} s.")
        if failed:
            raise CommandError(f"{failed} reports failed; see the failures on the desk.")

    def _progress(self, done: int, total: int, started: float) -> None:
        width = 40
        filled = width * done // max(total, 1)
        rate = done / max(time.monotonic() - started, 1e-6)
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.1f}/s)", ending="")
        self.stderr.flush()
