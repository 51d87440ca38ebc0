"""Prometheus metrics that every process records: request latency by view, and jobs that failed.

In production several gunicorn workers and Huey consumers write their samples to files under
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode; the variable must be set before the
process starts), and ``/metrics`` adds them up (:mod:`tuki.ops.metrics`). Without it, each process counts for
itself, which is what tests and ``make run`` need.

Requests are labelled by the view's name, never by the path: paths hold identifiers, and one label value per
request page would grow without bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from huey.signals import SIGNAL_ERROR
from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "tuki_request_duration_seconds",
    "Time to answer a request, by view",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)
JOB_FAILURES = Counter("tuki_job_failures_total", "Background jobs that raised, by task", ["task"])

# Methods outside these are counted as one, so that a client cannot invent label values.
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def view_label(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"  # 404s and whatever answered before URL resolution (static files, redirects)
    return match.view_name or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        status = f"{response.status_code // 100}xx"
        REQUEST_SECONDS.labels(view_label(request), method, status).observe(time.perf_counter() - start)
        return response


def _job_failed(signal: str, task: Any, *args: Any) -> None:
    JOB_FAILURES.labels(task.name).inc()


def connect_jobs(huey: Any) -> None:
    """Count the failures of the jobs ``huey`` runs (retried or not: each failed attempt counts)."""
    huey.signal(SIGNAL_ERROR)(_job_failed)
