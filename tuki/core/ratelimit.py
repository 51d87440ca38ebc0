"""Counters in the cache, and a fixed-window limit built on them (floods of reset mails, automatic answers)."""

from __future__ import annotations

import math
import time

from django.core.cache import cache


def increment(cache_key: str, *, timeout: int | None, by: int = 1) -> int:
    """Add ``by`` (one) to a counter that lives ``timeout`` seconds (None: for good); the new count.

    The file cache's ``incr`` writes the value back with the default lifetime, so the lifetime is set again
    after each step; Redis keeps it anyway.
    """
    if cache.add(cache_key, by, timeout=timeout):
        return by
    try:
        count = int(cache.incr(cache_key, by))
    except ValueError:  # expired between add and incr
        cache.set(cache_key, by, timeout=timeout)
        return by
    cache.touch(cache_key, timeout=timeout)
    return count


def hit(key: str, *, limit: int, window_seconds: int, events: int = 1) -> bool:
    """Count ``events`` (one) for ``key``; True while the window's count is within ``limit``."""
    return increment(_window_key(key, window_seconds, time.time()), timeout=window_seconds, by=events) <= limit


def seconds_blocked(key: str, *, limit: int, window_seconds: int) -> int:
    """How long ``key`` stays past ``limit`` events in its window (0 while within), counting nothing.

    For limits counted on one kind of event (a failure) and checked on another (any attempt).
    """
    now = time.time()
    if int(cache.get(_window_key(key, window_seconds, now), 0)) < limit:
        return 0
    return max(1, math.ceil((now // window_seconds + 1) * window_seconds - now))


def count(key: str, *, window_seconds: int) -> int:
    """How many events :func:`hit` has counted for ``key`` in the current window, without counting one.

    For limits on failures only: check the count before trying, and hit only when the try fails.
    """
    return int(cache.get(_window_key(key, window_seconds, time.time()), 0))


def _window_key(key: str, window_seconds: int, now: float) -> str:
    """The counter of ``key`` in the window ``now`` falls in: its number is part of the key, so a count ends with
    its window whatever the cache does with lifetimes."""
    return f"ratelimit:{key}:{int(now // window_seconds)}"
