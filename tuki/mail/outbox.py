"""Mail in development: each message is kept as a file and announced in one log line.

Printing whole MIME messages to the console (Django's console backend) buries the server's own lines: seeding
the demo alone prints some forty of them. A line says who gets what; the file under ``var/mail/`` holds the
message for anyone who wants to read it (a password-reset link, say) or open it in a mail program.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

logger = logging.getLogger("tuki.mail.outbox")
_counter = threading.Lock()
_numbers = itertools.count(1)


class DevelopmentOutboxBackend(BaseEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(settings.VAR_DIR) / "mail"

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            path = self._write_new(message.message().as_bytes(linesep="\n"))
            logger.info("mail to %s: %s (%s)", ", ".join(message.recipients()), message.subject, path)
            sent += 1
        return sent

    def _write_new(self, content: bytes) -> Path:
        """Write the message under a name no other thread or process has taken: the second it was sent and the
        next number this process counts (names sort in the order mail was sent), created exclusively."""
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        while True:
            with _counter:
                number = next(_numbers)
            path = self.folder / f"{stamp}-{os.getpid()}-{number:06d}.eml"
            try:
                with path.open("xb") as file:
                    file.write(content)
                return path
            except FileExistsError:  # a process of the same id before a restart: take the next number
                continue
