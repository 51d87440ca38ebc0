"""Which planned windows overlap on one environment: pure, no Django, so its edge cases are tested without a database.

A window is half-open, [start, end): a change that ends at 10:00 and one that starts at 10:00 on the same
environment follow each other, they do not overlap. A window without an end is open: it may last any time, so it
overlaps everything on its environment that starts after it starts. A window of no length is an instant and
overlaps a window that contains it. A window without a start is not placed in time and overlaps nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

# An instant is given this much length, so that [t, t] meets a window that contains t and nothing else.
_INSTANT = timedelta(microseconds=1)


class Window(NamedTuple):
    """A named tuple, not a dataclass: a month of the change calendar places thousands, and a tuple is made faster."""

    key: Hashable  # what the caller knows the window by: a change's primary key, say
    environment: Hashable
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Overlap:
    environment: Hashable
    first: Hashable  # the key of the window that starts first (by start, then by key)
    second: Hashable


def _end(start: datetime, end: datetime | None) -> datetime | None:
    """The window's exclusive end; None for an open window."""
    if end is None:
        return None
    return end if end > start else start + _INSTANT


def overlaps(windows: Iterable[Window]) -> list[Overlap]:
    """Every pair of windows on one environment that share some time, each pair once, in order of start.

    A sweep over each environment's windows by start: the ones still running when the next starts are the ones
    it overlaps, so the work grows with the windows and the overlaps found, not with every pair.
    """
    by_environment: dict[Hashable, list[tuple[datetime, Window]]] = defaultdict(list)
    for window in windows:
        if window.start is not None:
            by_environment[window.environment].append((window.start, window))
    found: list[Overlap] = []
    for environment, placed in by_environment.items():
        placed.sort(key=lambda pair: (pair[0], str(pair[1].key)))
        running: list[tuple[datetime | None, Window]] = []
        for start, window in placed:
            running = [(end, other) for end, other in running if end is None or end > start]
            found.extend(
                Overlap(environment, other.key, window.key) for _end_, other in running if other.key != window.key
            )
            running.append((_end(start, window.end), window))
    return found


def overlapping_keys(windows: Iterable[Window]) -> dict[Hashable, set[Hashable]]:
    """For each window's key, the keys of the windows it overlaps (both ways round)."""
    partners: dict[Hashable, set[Hashable]] = defaultdict(set)
    for overlap in overlaps(windows):
        partners[overlap.first].add(overlap.second)
        partners[overlap.second].add(overlap.first)
    return dict(partners)
