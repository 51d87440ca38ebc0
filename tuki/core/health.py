"""/healthz: does the database answer, and does the job queue answer? /readyz: can this process serve?

A load balancer sends traffic only to a process whose ``/readyz`` answers 200: its database, its Redis (when
``REDIS_URL`` is set) and its file storage (a tiny probe file written, read back and deleted) all work. The 503
names the part that failed; the log keeps the reason.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from huey.contrib import djhuey

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:  # any failure means "not healthy"; the log keeps the reason
        logger.exception("health check: database")
        return False


def _queue_ok() -> bool:
    try:
        djhuey.HUEY.storage.queue_size()
        return True
    except Exception:
        logger.exception("health check: job queue")
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "queue": _queue_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable", **{k: "ok" if v else "fail" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)


def _redis_ok() -> bool:
    import redis  # here only: without REDIS_URL the client is kept out of the process (tuki.core.footprint)

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        logger.exception("readiness check: Redis")
        return False


PROBE = b"tuki readiness probe"


def _storage_ok() -> bool:
    name = ""
    try:
        name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
        with default_storage.open(name) as stored:
            return bool(stored.read() == PROBE)
    except Exception:
        logger.exception("readiness check: storage")
        return False
    finally:
        if name:
            try:
                default_storage.delete(name)
            except Exception:
                logger.exception("readiness check: storage (deleting the probe %s)", name)


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ok()
    checks["storage"] = _storage_ok()
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable", **{k: "ok" if v else "fail" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if ready else 503)
