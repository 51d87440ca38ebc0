"""A running timer's arithmetic: how long it has run, and the whole minutes an entry of it logs.

Plain values only, no Django; the time is passed in. A timer is the seconds banked by earlier runs plus, while it
runs, the time since it was last started or resumed.
"""

from __future__ import annotations

from datetime import datetime

MAX_SECONDS = 7 * 24 * 3600  # a timer left running for a week is forgotten, not work; it stops growing here


def elapsed_seconds(banked: int, running_since: datetime | None, now: datetime) -> int:
    """Seconds the timer holds at ``now``: never negative (a clock set back does not take time away), never more
    than :data:`MAX_SECONDS`."""
    running = 0 if running_since is None else max(0, int((now - running_since).total_seconds()))
    return min(MAX_SECONDS, max(0, banked) + running)


def minutes_to_log(seconds: int) -> int:
    """Whole minutes for an entry, rounded up: a started minute of work is a minute logged."""
    return -(-max(0, seconds) // 60)
