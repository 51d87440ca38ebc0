"""Each request has an id, sent back in its response and carried into the jobs it queues; log lines carry it."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client
from huey.contrib import djhuey
from huey.storage import MemoryStorage

from tests.portal.test_requests import _form
from tuki.core import request_id
from tuki.core.logs import JsonFormatter, RequestIdFilter


def test_a_sane_proxy_id_is_kept_and_sent_back(client: Client, db: Any) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="0f8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b")
    assert response["X-Request-ID"] == "0f8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b"


@pytest.mark.parametrize("header", ["", "short", "has spaces in it", "x" * 200, "evil\u2028line-break"])
def test_a_missing_or_odd_id_is_replaced_by_a_new_one(client: Client, db: Any, header: str) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID=header)
    assert response["X-Request-ID"] != header
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_json_lines_carry_the_id_and_the_extra_fields() -> None:
    record = logging.makeLogRecord({"name": "tuki.test", "levelname": "INFO", "msg": "hello %s", "args": ("you",)})
    record.ticket = "SR-1"
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "hello you" and entry["ticket"] == "SR-1" and entry["level"] == "INFO"
    assert "request_id" in entry and entry["time"].endswith("+00:00")


@pytest.fixture
def queued_not_run(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The real queue's path, in memory: jobs are serialized on enqueue and wait there, as for a consumer."""
    monkeypatch.setattr(djhuey.HUEY, "_immediate", False)
    monkeypatch.setattr(djhuey.HUEY, "storage", MemoryStorage("tuki-test"))
    return djhuey.HUEY


@pytest.fixture
def job_log(caplog: pytest.LogCaptureFixture) -> Any:
    """Huey's own lines about the jobs it runs (its logger does not propagate), with the id as the records have it."""
    huey_logger = logging.getLogger("huey")
    caplog.handler.addFilter(RequestIdFilter())
    huey_logger.addHandler(caplog.handler)
    yield caplog
    huey_logger.removeHandler(caplog.handler)


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_by_a_request_logs_the_requests_id(
    client: Client, anna: Any, agent: Any, agreement_a: Any, queued_not_run: Any, job_log: Any
) -> None:
    client.force_login(anna)
    response = client.post("/portal/requests/new/", _form(), HTTP_X_REQUEST_ID="req-from-nginx-0001")
    assert response.status_code == 302
    assert queued_not_run.pending_count() >= 1
    request_id._current.set("")  # as in the consumer's thread: nothing of the request is left but the message
    ran = []
    while queued_not_run.pending_count():
        task = queued_not_run.dequeue()  # deserialized from the stored message, as the consumer does
        queued_not_run.execute(task)
        ran.append(task.name)
    assert "notify_event" in ran
    # Huey writes "Executing" before the job's hooks run; from there on every line is the request's.
    executed = [r for r in job_log.records if r.name == "huey" and "notify_event" in r.getMessage()]
    assert [r.request_id for r in executed if "executed in" in r.getMessage()] == ["req-from-nginx-0001"]


def test_a_job_without_a_request_runs_under_an_id_of_its_own(queued_not_run: Any, job_log: Any) -> None:
    from tuki.core.tasks import clear_old_login_failures  # a job that needs nothing from a request

    request_id._current.set("")
    queued_not_run.enqueue(clear_old_login_failures.s())
    task = queued_not_run.dequeue()
    assert request_id.JOB_KEYWORD not in task.kwargs
    request_id._before_job(task)
    assert request_id.current() == f"job-{task.id}"
    request_id._after_job(task, None, None)
    assert request_id.current() == ""
