"""/metrics: Prometheus metrics of every web and worker process, and of the queue and the database.

Latency and job failures are recorded by each process (:mod:`tuki.core.metrics`), SLA warnings and breaches
where the sweep claims them (a counter per kind, fed by the SLA domain's ``threshold_reached``). The queue's
length and the inbound mail by status are read when Prometheus asks: they are facts about shared state, not
about one process, and reading them is cheap (the mail by an index on its status).

The page is not for the public: it answers only to the addresses in ``TUKI_METRICS_ALLOWED_ADDRESSES`` or to a
request with ``Authorization: Bearer <TUKI_METRICS_TOKEN>``, and is a plain 404 to anyone else.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from huey.contrib import djhuey
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from tuki.core.client_address import client_address
from tuki.mail.models import InboundMessage, InboundStatus

SLA_THRESHOLDS = Counter(
    "tuki_sla_thresholds_total", "SLA warnings and breaches claimed by the sweep, once per request and kind", ["kind"]
)


def count_threshold(sender: Any, *, kind: str, **kwargs: Any) -> None:
    SLA_THRESHOLDS.labels(kind).inc()


class SharedStateCollector(Collector):
    """Read at each scrape: the job queue's length and the inbound mail by status."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        queue = GaugeMetricFamily("tuki_queue_length", "Jobs waiting in the queue", labels=["state"])
        queue.add_metric(["pending"], djhuey.HUEY.pending_count())
        queue.add_metric(["scheduled"], djhuey.HUEY.scheduled_count())
        yield queue
        mail = GaugeMetricFamily("tuki_mail_inbound_messages", "Inbound mail taken in, by status", labels=["status"])
        counts = dict(InboundMessage.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in InboundStatus:
            mail.add_metric([status.value], counts.get(status.value, 0))
        yield mail


def _allowed(request: HttpRequest) -> bool:
    token = settings.TUKI_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    address = client_address(request)
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(network) for network in settings.TUKI_METRICS_ALLOWED_ADDRESSES)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        recorded = CollectorRegistry()
        MultiProcessCollector(recorded)
    else:
        recorded = REGISTRY
    shared = CollectorRegistry()
    shared.register(SharedStateCollector())
    return HttpResponse(generate_latest(recorded) + generate_latest(shared), content_type=CONTENT_TYPE_LATEST)
