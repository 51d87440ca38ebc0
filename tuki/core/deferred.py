"""Jobs kept in the database while the queue's store is away, and queued once it answers (tuki.core.queue)."""

from __future__ import annotations

import logging
from typing import Any

from tuki.core.models import DeferredJob

logger = logging.getLogger(__name__)

BATCH = 1000


def keep(data: bytes) -> None:
    """Keep a job that could not be queued: the write that queued it has committed, and it must not be lost."""
    DeferredJob.objects.create(data=data)


def enqueue_deferred(huey: Any) -> int:
    """Queue the jobs kept while the queue was away; how many. Each row is claimed by deleting it, so two
    consumers never both queue it; one that cannot be queued after all is kept again."""
    queued = 0
    for pk, data in DeferredJob.objects.order_by("pk").values_list("pk", "data")[:BATCH]:
        if not DeferredJob.objects.filter(pk=pk).delete()[0]:
            continue
        try:
            huey.storage.enqueue(bytes(data))
        except huey.store_away:
            keep(data)
            return queued
        queued += 1
    if queued:
        logger.info("Queued %d jobs kept while the queue was away", queued)
    return queued
