"""``manage.py mail_intake``: the mail server's pipe into Tuki. One RFC 822 message on standard input.

Exit status, as mail servers read it (sysexits): 0 when the message was taken (a request, a reply, refused,
ignored, quarantined, oversized or a duplicate: all deliberate, nothing to retry), 75 (EX_TEMPFAIL) when it
could not be taken now, say the database is away; the mail server keeps it and delivers it again later.

Postfix, for example (master.cf): ``tuki unix - n n - - pipe flags=Rq user=tuki argv=/srv/tuki/.venv/bin/python
/srv/tuki/manage.py mail_intake``.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuki.mail.intake.entry import EX_OK, pipe_intake


class Command(BaseCommand):
    help = "Take in one mail message from standard input (for the mail server's pipe transport)."
    # Started by machines, once a message or a job: Django's system checks would import every view first and
    # double the process's time and memory (as for the consumer, tuki/core/management/commands/run_huey.py).
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        code = pipe_intake(raw)
        if code != EX_OK:
            raise CommandError("The message could not be taken now; deliver it again later.", returncode=code)
