"""What a web worker loads: the heavy libraries only some processes need stay out of it.

numpy (the SLA engine's array form, for recomputing thousands of deadlines in the job worker) and the holidays
library (every country it knows, to compute one) each add 10-20 MB to a process for good. A web worker answering
the desk's and the portal's pages must never import them; this runs one in a process of its own and looks.
qrcode (the QR code of the two-step enrolment page) and webauthn with cbor2 (security keys) are needed only on
the pages of the second step, and dkimpy with dnspython (checking senders' signatures) only by the mail intake.
The Redis client is needed only where REDIS_URL is set (tuki.core.footprint). django-ninja with pydantic (the
REST API, imported by its first request), WeasyPrint and pygal (the monthly report's PDF and charts) and boto3
(object storage, configured only in production) are the same: about 10 MB each; libmagic (an upload's type, read
from an 8 MB database) and XlsxWriter (spreadsheet exports) a few MB each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.workers import database_url
from tuki.tickets.services import ticket_create

HEAVY = [
    *("numpy", "holidays", "qrcode", "webauthn", "cbor2", "dkim", "dns", "redis", "gevent"),
    *("ninja", "pydantic", "weasyprint", "pygal", "boto3", "magic", "xlsxwriter"),
]

SCRIPT = """
import json, sys
import tuki.wsgi  # as gunicorn loads it
from django.test import Client
from tuki.accounts.models import User

pages = json.loads(sys.argv[1])
for email, path in pages:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
loaded = (name for name, module in sys.modules.items() if module is not None)
print(json.dumps(sorted(name for name in loaded if name.split(".")[0] in %r)))
"""


@pytest.mark.django_db(transaction=True)
def test_pages_load_no_heavy_library(agent: Any, anna: Any, agreement_a: Any, tmp_path: Path) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Printer", description="Jammed")
    pages = [
        (agent.email, "/desk/"),
        (agent.email, f"/desk/requests/{ticket.identifier}/"),
        (anna.email, "/portal/"),
        (anna.email, "/portal/requests/new/"),
        (anna.email, f"/portal/requests/{ticket.identifier}/"),
    ]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tuki.settings",
        "DATABASE_URL": database_url(),
        "TUKI_VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    environment.pop("REDIS_URL", None)
    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT % (HEAVY,), json.dumps(pages)],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.splitlines()[-1]) == []


@pytest.mark.parametrize(("redis_url", "loaded"), [("", False), ("redis://127.0.0.1:6379/15", True)])
def test_the_job_worker_loads_the_redis_client_only_with_redis(tmp_path: Path, redis_url: str, loaded: bool) -> None:
    environment = {**os.environ, "TUKI_VAR_DIR": str(tmp_path), "DEBUG": "0", "REDIS_URL": redis_url}
    if not redis_url:
        environment.pop("REDIS_URL")
    show = (
        "import sys; from huey.contrib.djhuey import HUEY;"
        "print(type(HUEY).__name__, sys.modules.get('redis') is not None)"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, as the worker starts
        [sys.executable, "manage.py", "shell", "-c", show],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    queue, client = run.stdout.splitlines()[-1].split()
    assert client == str(loaded) and queue == ("JournalledRedisHuey" if loaded else "WalSqliteHuey")


@pytest.mark.django_db(transaction=True)
def test_the_job_worker_starts_without_the_web_half(tmp_path: Path) -> None:
    """A consumer imports neither the REST API (pydantic's compiled core) nor libmagic (the upload check): Django's
    system checks, which import every view, are not run at its start (tuki/core/management/commands/run_huey.py).
    Compiled libraries show in the process's memory map, so the running worker is looked at from outside."""
    environment = {**os.environ, "TUKI_VAR_DIR": str(tmp_path), "DEBUG": "0", "DATABASE_URL": database_url()}
    environment.pop("REDIS_URL", None)
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, as the worker starts
        [sys.executable, "manage.py", "run_huey", "--workers", "1"],
        env=environment,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        for line in worker.stdout:
            if "Huey consumer started" in line:
                break
        else:
            pytest.fail("the worker stopped before it started consuming")
        maps = Path(f"/proc/{worker.pid}/maps").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "_pydantic_core" not in maps and "libmagic" not in maps
    assert "libsqlite3" in maps or "_sqlite3" in maps or "psycopg" in maps  # the map is the worker's, and complete


@pytest.mark.parametrize("command", ["mail_intake", "reports_periodic", "report_notices_send"])
@pytest.mark.django_db(transaction=True)
def test_the_commands_machines_run_skip_the_system_checks(command: str, tmp_path: Path) -> None:
    """The MTA's pipe starts `manage.py mail_intake` for every message, the consumer starts the monthly commands:
    none imports the REST API and every view for Django's system checks (seen in Python's own import log)."""
    environment = {**os.environ, "TUKI_VAR_DIR": str(tmp_path), "DEBUG": "0", "DATABASE_URL": database_url()}
    environment.pop("REDIS_URL", None)
    message = b"From: someone@example.org\r\nSubject: Hello\r\nMessage-ID: <footprint@example.org>\r\n\r\nHi\r\n"
    run = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "-X", "importtime", "manage.py", command],
        input=message,
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        timeout=120,
        check=False,
    )
    imported = {line.split("|")[-1].strip() for line in run.stderr.decode().splitlines() if "import time:" in line}
    assert "django.db" in imported  # the import log was read
    assert not {"ninja", "pydantic", "tuki.api.main"} & imported, run.stderr.decode()[-2000:]
