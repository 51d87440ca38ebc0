"""Fill the requests' search index from what they hold: after an upgrade, or to apply a better analysis."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from tuki.search.analysis import analyser
from tuki.tickets.search import BATCH, reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of every support request, with a progress bar."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="Requests per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not analyser().has_voikko:
            self.stderr.write("Voikko is not available: Finnish is indexed by the Snowball stemmer instead.")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            width = 40
            filled = width * done // max(total, 1)
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f}/s)", ending="")
            self.stderr.flush()

        done = reindex_all(progress, batch=max(1, options["batch"]))
        self.stderr.write("")
        seconds = time.monotonic() - started
        self.stdout.write(f"Indexed {done} requests in {seconds:.1f} s.")
