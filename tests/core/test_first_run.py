"""What a new user meets first: `make run`'s start-up, development mail, the icon, dates in English."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import time
from datetime import datetime
from datetime import time as clock_time
from email import message_from_bytes
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_make_run_prints_the_logins_last_and_mail_links_to_its_own_port(tmp_path: Path) -> None:
    port = free_port()
    environment = {**os.environ, "TUKI_VAR_DIR": str(tmp_path), "PORT": str(port)}
    for name in ("DATABASE_URL", "REDIS_URL", "TUKI_BASE_URL", "DJANGO_SETTINGS_MODULE", "TUKI_HUEY_IMMEDIATE"):
        environment.pop(name, None)
    run = subprocess.Popen(  # noqa: S603 - our own script, run by bash as `make run` does
        ["/bin/bash", str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        assert run.stdout is not None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = run.stdout.readline().decode()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("Tuki is running at"):
                break
        address = f"http://127.0.0.1:{port}/"
        assert lines and lines[-1].startswith(f"Tuki is running at {address} "), "\n".join(lines[-30:])
        logins = lines.index(next(line for line in lines if line.startswith("Demo logins")))
        assert any("agent@tuki.example" in line for line in lines[logins:])
        # Nothing the servers print at start comes between the logins and the address.
        assert not any("gunicorn" in line.lower() or "huey" in line for line in lines[logins:])
        # The worker sends the demo's notifications: one line each, the message in a file, its links to this port.
        outbox = tmp_path / "mail"
        for _ in range(300):
            saved = sorted(outbox.glob("*.eml")) if outbox.exists() else []
            if saved:
                break
            time.sleep(0.2)
        assert saved, "no mail was saved under var/mail/"
        body = message_from_bytes(saved[0].read_bytes())
        text = "".join(
            part.get_payload(decode=True).decode() for part in body.walk() if part.get_content_type() == "text/plain"
        )
        links = re.findall(r"https?://[^\s)>\"]+", text)
        assert links and all(link.startswith(address) for link in links if "127.0.0.1" in link), links
        assert not any(":8000/" in link for link in links)
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=30)
        if run.stdout is not None:
            rest = run.stdout.read().decode()
            # The MIME text of a message never reaches the console in development.
            assert "Content-Transfer-Encoding" not in "\n".join(lines) + rest


def test_development_mail_is_one_line_and_one_file_per_message(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = "tuki.mail.backends.OutboxBackend"
    settings.VAR_DIR = tmp_path
    with caplog.at_level(logging.INFO, logger="tuki.mail.outbox"):
        sent = mail.get_connection().send_messages(
            [
                mail.EmailMessage("Ensimmäinen", "yksi", to=["anna@asiakas-a.example"]),
                mail.EmailMessage("Second", "two", to=["bertil@bertil.example", "cecilia@cedar.example"]),
            ]
        )
    assert sent == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    assert message_from_bytes(files[1].read_bytes())["Subject"] == "Second"
    announced = [record.getMessage() for record in caplog.records if record.name == "tuki.mail.outbox"]
    assert announced == [
        f"mail to anna@asiakas-a.example: Ensimmäinen ({files[0]})",
        f"mail to bertil@bertil.example, cecilia@cedar.example: Second ({files[1]})",
    ]


def test_the_job_workers_lines_are_printed_once() -> None:
    # huey's run_huey adds a handler of its own to "huey" when it has none; with ours and propagation every
    # line was printed twice.
    huey = logging.getLogger("huey")
    assert huey.handlers
    assert huey.propagate is False


def test_favicon_is_the_logo(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/tuki/img/logo.svg"
    assert finders.find("tuki/img/logo.svg")


@pytest.mark.parametrize(
    ("language", "short", "time_field"),
    [("fi", "3.12.2026 18.18", "08.00"), ("sv", "2026-12-03 18:18", "08:00"), ("en", "03/12/2026 18:18", "08:00")],
)
def test_dates_and_times_read_as_the_language_writes_them(language: str, short: str, time_field: str) -> None:
    moment = datetime(2026, 12, 3, 18, 18, tzinfo=ZoneInfo("Europe/Helsinki"))
    with translation.override(language):
        shown = Template("{{ moment|date:'SHORT_DATETIME_FORMAT' }}").render(Context({"moment": moment}))
        assert shown == short  # English: day-month-year and a 24-hour clock, not "12/03/2026 6:18 p.m."
        assert forms.TimeInput().format_value(clock_time(8, 0)) == time_field  # no seconds in opening hours
        assert forms.TimeField().clean("8.30") == clock_time(8, 30)
        assert forms.TimeField().clean("8:30") == clock_time(8, 30)
