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
        parser.add_argument("--address", help="Where Tuki answers: said after the logins, in the same write.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["when_ready"]:
            self._wait_until_ready(time.monotonic() + options["when_ready"])
        lines = ["", f"Demo logins (password for all: {DEMO_PASSWORD}):"]
        lines += [f"  {email:<28} {role}" for email, role in demo_logins()]
        lines.append(f"The manager's second step: a TOTP app with the key {DEMO_TOTP_SECRET}")
        if options["address"]:
            lines += [
                "",
                f"Tuki is running at {options['address']} (Ctrl-C stops the web server and the worker).",
                "Mail is not sent in development: each message is saved under var/mail/.",
            ]
        # One write: the web server and the worker write to the same terminal, and a line of theirs must not land
        # between the logins and the address (the worker's jobs tick every minute, whenever start-up ends).
        self.stdout.write("\n".join(lines))
        self.stdout.flush()

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
