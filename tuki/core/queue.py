"""The job queue: Huey with a journal of the jobs in hand, on Redis or (without Redis) on SQLite.

Huey takes a job off the queue when a consumer starts it, so a consumer killed mid-job (SIGKILL, the OOM killer,
a power cut of its host) would lose the job. Each job taken is therefore written to a journal in the queue's own
store, under the consumer that took it, and struck off when its run ends however it ends (a retry puts the job
back on the queue first). Every consumer notes every few seconds that it is alive; the minute's
``jobs_recover`` puts back on the queue the jobs of a consumer that has not been heard from for
``TUKI_JOBS_ORPHANED_AFTER`` seconds. A job put back runs again from its start: every job is safe to run twice
(claims in the database), which is what makes this sound.

A job queued while the store is away (Redis restarting) is kept in the database instead (``DeferredJob``): the
write that queued it has committed, and its notification must not be lost. The same minute's job queues them once
the store answers again.

Huey's SQLite storage runs in WAL mode but with SQLite's default ``synchronous=FULL``, which waits for the
disk on every queued job: about a third of a millisecond on each request created, replied to or moved.
In WAL mode ``NORMAL`` cannot corrupt the file and loses nothing when a process dies; only a power cut may
drop the jobs of the last moment, as Redis's default snapshots would.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from huey import RedisHuey, SqliteHuey
from huey.api import Task
from huey.constants import EmptyData
from huey.storage import SqliteStorage

logger = logging.getLogger(__name__)

JOURNAL = "tuki.in-hand:"  # + consumer + ":" + thread + ":" + job id -> the job as queued
ALIVE = "tuki.alive:"  # + consumer -> when it last said it was alive (seconds since the epoch)
HEARTBEAT_SECONDS = 5.0


class JournalledHuey:
    """Mixed into a Huey class before it: the journal of jobs in hand, and jobs kept in the database while the
    queue's store is away (see the module's docstring)."""

    storage: Any
    # What the store raises when it cannot be reached: set by each class below.
    store_away: tuple[type[BaseException], ...] = ()
    # Where a job goes while the store is away: tuki.core.deferred.keep, set when the apps are ready (this module
    # is loaded while they are being loaded, before any model can be).
    keep_when_away: Callable[[bytes], None] | None = None
    _consumer = ""
    _heartbeat_lock = threading.Lock()

    def enqueue(self, task: Task) -> Any:
        if self.immediate or not isinstance(task, Task):  # type: ignore[attr-defined]
            return super().enqueue(task)  # type: ignore[misc]
        try:
            return super().enqueue(task)  # type: ignore[misc]
        except self.store_away as exc:
            if JournalledHuey.keep_when_away is None:
                raise
            JournalledHuey.keep_when_away(self.serialize_task(task))  # type: ignore[attr-defined]
            logger.warning("The queue is away (%r): job %s kept in the database until it is back", exc, task.id)
            return None

    def dequeue(self) -> Task | None:
        data = self.storage.dequeue()
        if data is None:
            return None
        task: Task = self.deserialize_task(data)  # type: ignore[attr-defined]
        self._beat()
        self.storage.put_data(self._journal_key(task), data)
        return task

    def execute(self, task: Task, timestamp: Any = None) -> Any:
        try:
            return super().execute(task, timestamp)  # type: ignore[misc]
        finally:
            try:
                self.storage.delete_data(self._journal_key(task))
            except Exception:  # the store is away: the entry goes back on the queue only if this consumer dies
                logger.warning("Could not strike job %s off the journal", task.id, exc_info=True)

    def _journal_key(self, task: Task) -> str:
        return f"{JOURNAL}{self._consumer}:{threading.get_ident()}:{task.id}"

    def _beat(self) -> None:
        """Start, once per process, the thread that says this consumer is alive."""
        with self._heartbeat_lock:
            if JournalledHuey._consumer:
                return
            JournalledHuey._consumer = f"{socket.gethostname()}/{os.getpid()}/{time.time_ns()}"
            self.storage.put_data(f"{ALIVE}{self._consumer}", str(time.time()).encode())
            threading.Thread(target=self._keep_beating, name="tuki-heartbeat", daemon=True).start()

    def _keep_beating(self) -> None:
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            try:
                self.storage.put_data(f"{ALIVE}{self._consumer}", str(time.time()).encode())
            except Exception:  # the store is away for a moment: the next beat tries again
                logger.warning("Could not note that this consumer is alive", exc_info=True)


def requeue_orphans(huey: Any, orphaned_after: float) -> int:
    """Put back on the queue the jobs in hand of consumers not heard from for ``orphaned_after`` seconds, and
    forget those consumers. Each job is taken off the journal atomically, so two of these never both put it
    back. Returns how many jobs went back."""
    storage = huey.storage
    items = storage.result_items()
    now = time.time()
    alive = {key[len(ALIVE) :]: float(value) for key, value in items.items() if key.startswith(ALIVE)}
    dead = {consumer for consumer, beat in alive.items() if now - beat > orphaned_after}
    requeued = 0
    for key in items:
        if not key.startswith(JOURNAL):
            continue
        consumer = key[len(JOURNAL) :].split(":", 1)[0]
        if consumer in alive and consumer not in dead:
            continue
        data = storage.pop_data(key)
        if data is not EmptyData:
            storage.enqueue(data)
            requeued += 1
            logger.warning("A job of consumer %s, which stopped mid-job, is back on the queue", consumer)
    for consumer in dead:
        storage.delete_data(f"{ALIVE}{consumer}")
    return requeued


def _redis_away() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # without REDIS_URL the client is left out (tuki.core.footprint); this class is unused
        return ()
    return (RedisConnectionError, RedisTimeoutError)


class WalSqliteStorage(SqliteStorage):
    def _create_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


class WalSqliteHuey(JournalledHuey, SqliteHuey):
    storage_class = WalSqliteStorage
    store_away = (sqlite3.OperationalError,)


class JournalledRedisHuey(JournalledHuey, RedisHuey):
    store_away = _redis_away()
