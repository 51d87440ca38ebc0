"""The error pages: in the product's look and the visitor's language, made without the database; and a database
that is away answers 503 with Retry-After (a page, or the API's JSON), then recovers by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.tcp_proxy import CuttableProxy

# Each path asked in a process of its own whose database is DATABASE_URL; prints status, Retry-After and body.
# Each path asked in a process of its own whose database is DATABASE_URL, through Django's WSGI handler as gunicorn
# calls it (the test client keeps a broken connection between requests; the handler checks it at each start).
ASK = """
import io, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuki.settings")
from wsgiref.util import setup_testing_defaults
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
for line in sys.stdin:
    path, token = json.loads(line)
    environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1", "wsgi.errors": io.StringIO()}
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    setup_testing_defaults(environ)
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=dict(headers))
    result = application(environ, start_response)
    body = b"".join(result).decode()
    result.close()  # request_finished, as a server sends it
    print(json.dumps([answer["status"], answer["headers"].get("Retry-After"), body]), flush=True)
"""


def _asker(database_url: str, tmp_path: Any) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",  # kept connections, as in production: the restart must drop them
        "TUKI_VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    environment.pop("REDIS_URL", None)
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", ASK],
        env=environment,
        cwd=settings.BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the logged tracebacks of the outage
        text=True,
    )


def _ask(asker: subprocess.Popen[str], path: str, token: str = "") -> tuple[int, str | None, str]:
    assert asker.stdin is not None and asker.stdout is not None
    asker.stdin.write(json.dumps([path, token]) + "\n")
    asker.stdin.flush()
    status, retry_after, body = json.loads(asker.stdout.readline())
    return status, retry_after, body


@pytest.mark.django_db
def test_a_missing_page_is_one_of_ours(client: Client) -> None:
    answer = client.get("/desk/no-such-page/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "Sivua ei löydy" in page and settings.TUKI_SUPPLIER_NAME in page and 'href="/desk/"' in page
    assert "Virhekoodi 404" in page and settings.TUKI_SUPPORT_EMAIL in page


def test_a_database_that_does_not_answer_gives_503_and_a_page_saying_so(tmp_path: Any) -> None:
    asker = _asker("postgres://postgres@127.0.0.1:9/nothing_listens_here", tmp_path)
    try:
        status, retry_after, page = _ask(asker, "/")
        assert (status, retry_after) == (503, "30")
        assert "Hetki, ole hyvä" in page and "Tallentamasi ei ole kadonnut" in page
        status, retry_after, body = _ask(asker, "/api/v1/requests", token="tuki_" + "x" * 40)
        assert (status, retry_after) == (503, "30")
        assert json.loads(body)["code"] == "unavailable"
    finally:
        asker.kill()


@pytest.mark.django_db(transaction=True)
def test_the_site_recovers_by_itself_when_the_database_is_back(tmp_path: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a database server that restarts: PostgreSQL")
    database = settings.DATABASES["default"]
    proxy = CuttableProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    proxy.start()
    asker = _asker(f"postgres://{database['USER']}@127.0.0.1:{proxy.port}/{database['NAME']}", tmp_path)
    try:
        assert _ask(asker, "/")[0] == 200  # the front page reads the service catalogue: a kept connection
        proxy.cut()
        assert _ask(asker, "/")[:2] == (503, "30")
        assert _ask(asker, "/")[:2] == (503, "30")
        proxy.start()
        assert _ask(asker, "/")[0] == 200
    finally:
        asker.kill()
        proxy.cut()


@pytest.mark.django_db
def test_an_address_the_api_does_not_have_answers_in_its_json(client: Client) -> None:
    answer = client.get("/api/v1/no-such-thing")
    assert answer.status_code == 404 and answer.json() == {"detail": "Ei löytynyt.", "code": "not_found", "field": None}
