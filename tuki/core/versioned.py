"""Slowly changing data kept in each process until it changes anywhere.

A request page needs the agreement, the staff and the customer's environments; they change a few times a
month. Each process keeps what it has read, tagged with a version number held in the shared cache (files or
Redis); a change bumps the number and every process reads afresh on its next use. Reading the number costs
one cache lookup instead of an SQL query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from time import time_ns
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
MAX_ENTRIES = 4096


class VersionedCache(Generic[T]):
    def __init__(self, name: str) -> None:
        self.key = f"tuki:version:{name}"
        self._version = -1
        self._values: dict[Hashable, T] = {}
        self._lock = threading.Lock()

    def version(self) -> int:
        version = cache.get(self.key)
        if version is None:
            # Start from the clock, not from 1: a number lost from the cache must never come back as an old one.
            cache.add(self.key, time_ns() // 1000, timeout=None)
            version = cache.get(self.key, 0)
        return int(version)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value for ``key``, from this process's memory unless something changed since it was loaded."""
        version = self.version()
        with self._lock:
            if version != self._version or len(self._values) > MAX_ENTRIES:
                self._values = {}
                self._version = version
            if key in self._values:
                return self._values[key]
        value = load()
        with self._lock:
            if version == self._version:
                self._values[key] = value
        return value

    def changed(self) -> None:
        """Make every process read afresh: now, and again once the change commits (in between, another process
        may read the old rows and keep them under the new number)."""
        self._bump()
        transaction.on_commit(self._bump)  # at once when no transaction is open

    def _bump(self) -> None:
        try:
            cache.incr(self.key)
            cache.touch(self.key, timeout=None)  # the file cache's incr would give it the default lifetime
        except ValueError:
            cache.set(self.key, time_ns() // 1000, timeout=None)
