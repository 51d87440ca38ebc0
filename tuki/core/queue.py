"""The job queue's SQLite store, for installations without Redis.

Huey's SQLite storage runs in WAL mode but with SQLite's default ``synchronous=FULL``, which waits for the
disk on every queued job: about a third of a millisecond on each request created, replied to or moved.
In WAL mode ``NORMAL`` cannot corrupt the file and loses nothing when a process dies; only a power cut may
drop the jobs of the last moment, as Redis's default snapshots would.
"""

from __future__ import annotations

import sqlite3

from huey import SqliteHuey
from huey.storage import SqliteStorage


class WalSqliteStorage(SqliteStorage):
    def _create_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


class WalSqliteHuey(SqliteHuey):
    storage_class = WalSqliteStorage
