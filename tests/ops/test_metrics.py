"""/metrics: latency by view, queue length, job failures, mail by status and SLA thresholds; not for the public."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from huey.contrib import djhuey
from prometheus_client.parser import text_string_to_metric_families

from tests.sla.test_sweep import hki
from tuki.sla.tasks import sla_sweep
from tuki.tickets.services import ticket_create

TOKEN = "a-token-for-the-metrics-scraper-0123456789"


@pytest.fixture
def scraper(settings: Any) -> Client:
    settings.TUKI_METRICS_TOKEN = TOKEN
    settings.TUKI_METRICS_ALLOWED_ADDRESSES = []
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def samples(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[Any, float], name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in found.items() if n == name and wanted <= set(ls))


def test_the_public_gets_a_404(client: Client, db: Any, settings: Any) -> None:
    settings.TUKI_METRICS_TOKEN = TOKEN
    settings.TUKI_METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404


def test_an_allowed_address_needs_no_token(client: Client, db: Any, settings: Any) -> None:
    settings.TUKI_METRICS_TOKEN = ""
    settings.TUKI_METRICS_ALLOWED_ADDRESSES = ["127.0.0.0/8"]
    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 404


def test_latency_is_labelled_by_view_not_by_path(scraper: Client, client: Client, db: Any) -> None:
    before = samples(scraper)
    client.get("/healthz")
    client.get("/no/such/page/12345")
    after = samples(scraper)
    count = "tuki_request_duration_seconds_count"
    assert value(after, count, view="healthz") == value(before, count, view="healthz") + 1
    assert value(after, count, view="unresolved") == value(before, count, view="unresolved") + 1
    assert not any("12345" in str(labels) for _, labels in after)


def test_queue_length_and_job_failures(scraper: Client, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from huey.storage import MemoryStorage

    monkeypatch.setattr(djhuey.HUEY, "_immediate", False)
    monkeypatch.setattr(djhuey.HUEY, "storage", MemoryStorage("tuki-metrics"))

    @djhuey.HUEY.task(name="tests.failing_job")
    def failing_job() -> None:
        raise RuntimeError("the mail server is away")

    failing_job()
    failing_job()
    found = samples(scraper)
    assert value(found, "tuki_queue_length", state="pending") == 2
    before = value(found, "tuki_job_failures_total", task="tests.failing_job")
    djhuey.HUEY.execute(djhuey.HUEY.dequeue())
    found = samples(scraper)
    assert value(found, "tuki_job_failures_total", task="tests.failing_job") == before + 1
    assert value(found, "tuki_queue_length", state="pending") == 1


def test_mail_by_status_and_sla_thresholds(
    scraper: Client, anna: Any, agent: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = samples(scraper)
    assert value(found, "tuki_mail_inbound_messages", status="accepted") == 0
    assert ("tuki_mail_inbound_messages", (("status", "quarantined"),)) in found
    before = value(found, "tuki_sla_thresholds_total", kind="first_response_breach")
    ticket_create(actor=anna, requester=anna.contact, subject="Login fails", priority=2, now=hki(2027, 12, 7, 8))
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(hki(2027, 12, 7, 9, 30))  # the response warning and breach, each claimed once
    found = samples(scraper)
    assert value(found, "tuki_sla_thresholds_total", kind="first_response_breach") == before + 1
    assert value(found, "tuki_sla_thresholds_total", kind="first_response_warning") >= 1
