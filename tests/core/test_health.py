from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from huey import RedisHuey
from huey.contrib import djhuey

ROOT = Path(__file__).resolve().parents[2]


def test_healthy_when_database_and_queue_answer(client: Client, db: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_unavailable_when_the_queue_does_not_answer(client: Client, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real Redis-backed queue pointed at a port where nothing listens.
    unreachable = RedisHuey("tuki-health", url="redis://127.0.0.1:1/0")
    monkeypatch.setattr(djhuey, "HUEY", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "queue": "fail"}


def test_sqlite_queue_storage_answers(tmp_path: Any, client: Client, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from huey import SqliteHuey

    monkeypatch.setattr(djhuey, "HUEY", SqliteHuey("tuki-health", filename=str(tmp_path / "q.sqlite3")))
    assert client.get("/healthz").status_code == 200


def test_unavailable_when_the_database_does_not_answer(tmp_path: Any) -> None:
    """A fresh process whose database is a PostgreSQL server that is not there."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1'); print(r.status_code, r.content.decode())"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    environ |= {
        "DJANGO_SETTINGS_MODULE": "tuki.settings",
        "TUKI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "unavailable", "database": "fail", "queue": "ok"}


def test_ready_when_database_and_storage_answer(client: Client, db: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    response = client.get("/readyz")
    assert response.status_code == 200
    expected = {"status": "ok", "database": "ok", "storage": "ok"}
    if settings.REDIS_URL:
        expected["redis"] = "ok"
    assert response.json() == expected
    assert not list(tmp_path.rglob("*.txt"))  # the probe file is gone again


def test_not_ready_when_storage_cannot_be_written(client: Client, db: Any, settings: Any, tmp_path: Any) -> None:
    readonly = tmp_path / "media"
    readonly.mkdir(mode=0o500)
    (readonly / "readyz").mkdir(mode=0o500)
    settings.MEDIA_ROOT = str(readonly)
    settings.REDIS_URL = ""
    if os.geteuid() == 0:  # root writes anywhere: point the storage at a file instead of a folder
        settings.MEDIA_ROOT = str(tmp_path / "a-file")
        (tmp_path / "a-file").write_text("not a folder")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "storage": "fail"}


def test_not_ready_when_redis_does_not_answer(client: Client, db: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "fail", "storage": "ok"}
