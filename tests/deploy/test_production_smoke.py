"""The production layout, end to end: scripts/production_demo.sh starts nginx (TLS), two gunicorn instances, two
Huey consumers, the S3 server, against PostgreSQL and Redis; a contact logs in over HTTPS through nginx, files a
request with an attachment, the worker mails the notification under the request's id, /readyz and /metrics
answer, and everything stops again.

Needs Debian's nginx, a PostgreSQL and a Redis that answer (TUKI_SMOKE_DATABASE_URL, TUKI_SMOKE_REDIS_URL); the
ports of the layout (TUKI_HTTPS_PORT and the others, see the script). Skipped, saying which, when one is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "production_demo.sh"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.production


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not shutil.which("nginx"):
        pytest.skip("Debian's nginx is not installed (make production-deps)")
    database = os.environ.get("TUKI_SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuki_production")
    if subprocess.run(["pg_isready", "-q", "-d", database], check=False).returncode != 0:  # noqa: S603, S607
        pytest.skip(f"PostgreSQL does not answer at {database}")
    redis_url = os.environ.get("TUKI_SMOKE_REDIS_URL", "redis://127.0.0.1:6379/7")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {redis_url}")
    # Not under pytest's own temporary folder (0700): nginx's workers, which run as nobody, serve the static files.
    run = Path(tempfile.mkdtemp(prefix="tuki-production-"))
    run.chmod(0o755)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TUKI_", "DJANGO_", "PROMETHEUS_"))}
    environ |= {
        "TUKI_RUN_DIR": str(run),
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
    }
    for name in ("TUKI_HTTPS_PORT", "TUKI_HTTP_PORT", "TUKI_WEB_PORTS", "TUKI_S3_PORT"):
        if name in os.environ:
            environ[name] = os.environ[name]
    bash = shutil.which("bash") or "/bin/bash"
    started = subprocess.run(  # noqa: S603 - our own script
        [bash, str(SCRIPT), "start"], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=240
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        url = re.search(r"Tuki is running at (\S+)/ ", started.stdout)
        assert url, started.stdout
        yield {"url": url[1], "run": str(run), "cert": str(run / "tls" / "cert.pem"), "bash": bash, "env": environ}
    finally:
        subprocess.run([bash, str(SCRIPT), "stop"], cwd=ROOT, env=environ, timeout=120, check=False)  # noqa: S603
        shutil.rmtree(run, ignore_errors=True)


def _token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match
    return match[1]


def test_a_contact_files_a_request_through_nginx_and_the_worker_mails_it(layout: dict[str, Any]) -> None:
    url, run = layout["url"], Path(layout["run"])
    web = requests.Session()
    web.verify = layout["cert"]  # the layout's own certificate, checked like any other
    web.trust_env = False  # or REQUESTS_CA_BUNDLE would replace it, and a proxy variable would take the traffic
    login = web.get(f"{url}/accounts/login/", timeout=30)
    assert login.status_code == 200 and login.url.startswith("https://")
    answer = web.post(
        f"{url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": _token(login.text),
            "username": "anna@asiakas-a.example",
            "password": "tuki-demo-2026",
        },
        headers={"Referer": f"{url}/accounts/login/"},
        timeout=30,
    )
    assert answer.status_code == 200 and "/accounts/login/" not in answer.url

    form = web.get(f"{url}/portal/requests/new/", timeout=30)
    filed = web.post(
        f"{url}/portal/requests/new/",
        data={
            "csrfmiddlewaretoken": _token(form.text),
            "subject": "Smoke test through nginx",
            "description": "The layout files a request with an attachment.",
            "kind": "incident",
            "priority": "3",
            "submission_key": f"smoke-{time.time()}",
        },
        files={"attachments": ("error.pdf", PDF, "application/pdf")},
        headers={"Referer": f"{url}/portal/requests/new/"},
        timeout=30,
        allow_redirects=False,
    )
    assert filed.status_code == 302, filed.text[:500]
    request_id = filed.headers["X-Request-ID"]
    identifier = filed.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = web.get(f"{url}{filed.headers['Location']}", timeout=30)
    assert identifier in page.text and "error.pdf" in page.text
    download = re.search(rf'href="(/portal/requests/{identifier}/files/\d+/)"', page.text)
    assert download
    assert web.get(f"{url}{download[1]}", timeout=30).content == PDF  # stored in the bucket, served by Tuki

    # A consumer mails the staff about the new request, and its log line names the request that queued it.
    deadline = time.monotonic() + 30
    mailed: list[str] = []
    while time.monotonic() < deadline and not mailed:
        logs = "".join(path.read_text() for path in (run / "logs").glob("worker-*.log"))
        mailed = [line for line in logs.splitlines() if "mail to" in line and identifier in line]
        time.sleep(0.5)
    assert mailed, "no notification within 30 s"
    assert all(f'"request_id": "{request_id}"' in line for line in mailed)

    ready = web.get(f"{url}/readyz", timeout=30)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok", "storage": "ok"}
    token = (run / "secrets" / "metrics_token").read_text().strip()
    metrics = web.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert metrics.status_code == 200
    assert 'tuki_request_duration_seconds_count{method="POST",status="3xx",view="portal:new_request"}' in metrics.text
    assert "tuki_queue_length" in metrics.text


def test_the_mail_server_delivers_through_the_gate_and_nginx(layout: dict[str, Any]) -> None:
    """scripts/mailgate.py as the MTA's pipe: over TLS through nginx into a web instance, stored in the bucket."""
    message_id = f"<gate-{time.time_ns()}@asiakas-a.example>"
    raw = (
        f"From: Anna Asiakas <anna@asiakas-a.example>\r\nTo: tuki@example.com\r\nSubject: Through the gate\r\n"
        f"Message-ID: {message_id}\r\n\r\nThe report does not open.\r\n"
    ).encode()
    delivered = subprocess.run(  # noqa: S603 - our own script
        [layout["bash"], str(SCRIPT), "mailgate"], input=raw, cwd=ROOT, env=layout["env"], capture_output=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert delivered.returncode == 0, delivered.stderr
    with psycopg.connect(layout["env"]["DATABASE_URL"]) as database:
        taken = database.execute(
            "select source, raw from mail_inboundmessage where message_id = %s", [message_id]
        ).fetchall()
    [(source, stored)] = taken  # once, kept whole (in the bucket) for the agents
    assert source == "pipe" and stored


def test_a_backup_restores_with_every_row_and_file(layout: dict[str, Any]) -> None:
    """docs/deploy.md's restore, done: dump and download, drop the database and empty the bucket, restore, count."""
    checked = subprocess.run(  # noqa: S603 - our own script
        [layout["bash"], str(SCRIPT), "restore-check"],
        cwd=ROOT, env=layout["env"], capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    counts = re.search(
        r"restored: requests, attachments, events, stored files = (\d+) (\d+) (\d+) files (\d+)", checked.stdout
    )
    assert counts, checked.stdout
    requests_, attachments, events, files = map(int, counts.groups())
    assert requests_ >= 1 and attachments >= 1 and events >= 1 and files >= 1  # the request filed above among them
    web = requests.Session()
    web.verify, web.trust_env = layout["cert"], False
    deadline = time.monotonic() + 30
    while web.get(f"{layout['url']}/readyz", timeout=30).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)  # the web instances reconnect to the restored database by themselves
    assert web.get(f"{layout['url']}/readyz", timeout=30).json()["status"] == "ok"


def test_with_no_web_instance_nginx_answers_503_with_our_page(layout: dict[str, Any]) -> None:
    """Last in this module: it stops the web instances (the fixture stops the rest)."""
    run = Path(layout["run"])
    for pidfile in (run / "pids").glob("web-*.pid"):
        os.kill(int(pidfile.read_text()), signal.SIGTERM)
    web = requests.Session()
    web.verify, web.trust_env = layout["cert"], False
    deadline = time.monotonic() + 30
    answer = web.get(f"{layout['url']}/portal/", timeout=30)
    while answer.status_code != 503 and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = web.get(f"{layout['url']}/portal/", timeout=30)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
    assert "Hetki, ole hyvä" in answer.text and "A moment, please" in answer.text
