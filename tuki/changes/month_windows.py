"""A month's planned windows for the change calendar, with their overlaps: read as bare tuples, kept per process.

A busy month holds some 2,000 changes. Reading their windows as model instances, or even as Django's date-times,
cost more than the rest of the page; here they come as ISO text (:mod:`tuki.core.instants`) and the overlaps are
found by the pure sweep of :mod:`tuki.changes.overlaps`. What is found is kept in each process, per month and
customer, until any change is saved anywhere (:mod:`tuki.core.versioned`): the calendar is read far more often
than changes move, and a month read again costs nothing but the page's own query.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import cast

from django.db.models import Max, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeState
from tuki.changes.overlaps import Window, overlaps
from tuki.core.instants import IsoInstant, instant
from tuki.core.scoping import visible_to
from tuki.core.versioned import Versioned

# Changes that will not happen take no time on an environment.
NOT_HAPPENING = (ChangeState.CANCELLED, ChangeState.DECLINED)
# Months kept per process: a year and more, with a few customers' own.
KEPT = 24


@dataclass(frozen=True)
class MonthWindows:
    windows: dict[int, tuple[str, datetime, datetime | None]]  # state, start, end (UTC) of each change, by start
    days: dict[date, list[int]]  # the changes starting on each day of the month (local time), by start
    overlaps: list[tuple[int, int, int]]  # environment, change, change: each overlap in the month, in order of time
    partners: dict[int, list[int]]  # the changes each change overlaps


def month_windows(user: User, first: date, zone: tzinfo, organisation_id: int | None = None) -> MonthWindows:
    """The windows of the changes ``user`` may see that start in the month of ``first`` or reach into it."""
    if not getattr(user, "is_supplier_staff", False):  # kept only as the staff see them: all of them
        return _read(visible_to(user, Change), first, zone, organisation_id)
    kept = MONTHS.get()
    key = (first, organisation_id, str(zone))
    found = kept.get(key)
    if found is None:
        found = _read(visible_to(user, Change), first, zone, organisation_id)
        with _keeping:
            while len(kept) >= KEPT:
                kept.pop(next(iter(kept)))
            kept[key] = found
    return found


def _read(changes: QuerySet[Change], first: date, zone: tzinfo, organisation_id: int | None) -> MonthWindows:
    after = (first + timedelta(days=32)).replace(day=1)
    # Each day's start in UTC: comparing instants of one time zone is many times faster than converting each.
    days_in = (after - first).days
    bounds = [datetime.combine(first + timedelta(days=n), time.min, zone).astimezone(UTC) for n in range(days_in + 1)]
    start, end = bounds[0], bounds[-1]
    if organisation_id is not None:
        changes = changes.filter(organisation_id=organisation_id)
    # A window that started before the month overlaps in it only if it reaches into it: none started longer before
    # than the longest window there is, except those without an end, which reach into every month after their start.
    reaching = changes.filter(
        Q(planned_start__gte=start - LONGEST_WINDOW.get(), planned_start__lt=end)
        | Q(planned_end__isnull=True, planned_start__lt=start)
    )
    # Unordered: asked to sort, SQLite walks the whole index on the start instead of reading the two ranges.
    rows = (
        reaching.annotate(start_text=IsoInstant("planned_start"), end_text=IsoInstant("planned_end"))
        .order_by()
        .values_list("pk", "state", "start_text", "end_text", "environments")
    )
    read: dict[int, tuple[str, datetime, datetime | None]] = {}
    placed = []
    for pk, state, start_text, end_text, environment_id in rows:
        if pk not in read:
            read[pk] = (state, instant(start_text), instant(end_text) if end_text else None)
        if environment_id is not None and state not in NOT_HAPPENING:
            placed.append(Window(pk, environment_id, *read[pk][1:]))
    windows = {pk: read[pk] for _start, pk in sorted((window[1], pk) for pk, window in read.items())}
    # An overlap that began before the month is the earlier month's; the rest in order of time.
    pairs = [cast(tuple[int, int, int], (o.environment, o.first, o.second)) for o in overlaps(placed)]
    found = [(environment, one, other) for environment, one, other in pairs if windows[other][1] >= start]
    found.sort(key=lambda pair: (windows[pair[1]][1], windows[pair[2]][1], pair[1], pair[2]))
    partners: dict[int, list[int]] = defaultdict(list)
    for _environment, one, other in found:
        partners[one].append(other)
        partners[other].append(one)
    days: dict[date, list[int]] = defaultdict(list)
    for pk, (_state, planned_start, _end) in windows.items():
        if planned_start >= start:
            days[first + timedelta(days=bisect_right(bounds, planned_start) - 1)].append(pk)
    return MonthWindows(windows, dict(days), found, dict(partners))


_keeping = threading.Lock()
MONTHS: Versioned[dict[tuple[date, int | None, str], MonthWindows]] = Versioned("change-windows", dict)


def _longest_window() -> timedelta:
    longest: timedelta | None = Change.objects.aggregate(longest=Max("planned_length"))["longest"]
    return longest or timedelta(0)


# The longest planned window of any change: read from its index, kept in each process until a window is saved.
LONGEST_WINDOW: Versioned[timedelta] = Versioned("change-longest-window", _longest_window)


@receiver(post_save, sender=Change)
def _change_saved(update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    MONTHS.changed()
    # A move of state saves no window; a shorter window or a deleted change leaves the bound wide, which is safe.
    if update_fields is None or "planned_length" in update_fields:
        LONGEST_WINDOW.changed()


@receiver(post_delete, sender=Change)
@receiver(m2m_changed, sender=Change.environments.through)
def _change_moved(**kwargs: object) -> None:
    MONTHS.changed()
