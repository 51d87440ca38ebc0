import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from huey.contrib.djhuey import HUEY

from tuki.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_logins


class Command(BaseCommand):
    help = "Print the demo logins; with --when-ready, once the web server answers and the worker is idle."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--when-ready",
            type=float,
            metavar="SECONDS",
            help="Wait at most this long for the web server and for the worker's queue to empty first, so that "
            "start-up lines do not bury the logins.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["when_ready"]:
            self._wait_until_ready(time.monotonic() + options["when_ready"])
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in demo_logins():
            self.stdout.write(f"  {email:<28} {role}")
        self.stdout.write(f"The manager's second step: a TOTP app with the key {DEMO_TOTP_SECRET}")

    def _wait_until_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{settings.TUKI_BASE_URL}/healthz", timeout=2).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        while HUEY.pending_count() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # the task in hand when the queue emptied
