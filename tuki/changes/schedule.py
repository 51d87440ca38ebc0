"""Reads of changes by their windows: the customer's upcoming maintenance and what waits for their word, the
calendar feed, the desk's change calendar across customers, and overlapping windows on one environment.

Each read is a fixed number of queries whatever the number of changes; the overlaps are found by the pure
:mod:`tuki.changes.overlaps`.
"""

from __future__ import annotations

import calendar as month_days
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import ClassVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeKind, ChangeState
from tuki.changes.overlaps import Window, overlapping_keys, overlaps
from tuki.core.scoping import visible_to

# Changes that will not happen take no time on an environment.
NOT_HAPPENING = (ChangeState.CANCELLED, ChangeState.DECLINED)
DONE = (ChangeState.IMPLEMENTED, ChangeState.VERIFIED, ChangeState.ROLLED_BACK)
# Maintenance windows are hours long, not weeks: a window that started this long before a month is still looked at
# for overlaps in it; longer ones are missed there (the change page, which asks about one change, misses none).
LOOKBACK = timedelta(days=14)
UPCOMING = timedelta(weeks=4)
FEED_PAST = timedelta(days=60)


def upcoming_windows(user: User, *, now: datetime | None = None, environment_id: int | None = None) -> QuerySet[Change]:
    """Scheduled changes whose window has not ended, starting within four weeks, soonest first."""
    now = now or timezone.now()
    changes = visible_to(user, Change).filter(
        Q(planned_end__gt=now) | Q(planned_end__isnull=True, planned_start__gte=now),
        state=ChangeState.SCHEDULED,
        planned_start__lt=now + UPCOMING,
    )
    if environment_id is not None:
        changes = changes.filter(environments=environment_id)
    return changes.order_by("planned_start", "pk").prefetch_related("environments")


def waiting_for_customer(user: User) -> QuerySet[Change]:
    """Changes put to the customer that wait for a customer manager: normal ones for approval, emergency ones (done
    first) for acknowledgement."""
    return (
        visible_to(user, Change)
        .filter(
            Q(kind=ChangeKind.NORMAL, state=ChangeState.PROPOSED)
            | Q(kind=ChangeKind.EMERGENCY, state__in=DONE, acknowledged_at__isnull=True)
        )
        .order_by("planned_start", "pk")
        .prefetch_related("environments")
    )


def feed_changes(user: User, *, now: datetime | None = None) -> QuerySet[Change]:
    """What a contact's calendar feed holds: their organisation's scheduled changes, and those done in the last two
    months (so the calendar keeps what happened). Through ``user``'s scope, as on their pages."""
    now = now or timezone.now()
    recent = now - FEED_PAST
    return (
        visible_to(user, Change)
        .filter(
            Q(state=ChangeState.SCHEDULED, planned_start__isnull=False)
            | Q(state__in=DONE) & (Q(planned_start__gte=recent) | Q(actual_end__gte=recent))
        )
        .order_by("planned_start", "pk")
        .prefetch_related("environments")
    )


def change_overlaps(user: User, change: Change) -> list[Change]:
    """Other changes whose windows overlap ``change``'s on one of its environments (none when it will not happen)."""
    if change.planned_start is None or change.state in NOT_HAPPENING:
        return []
    environment_ids = list(change.environments.values_list("pk", flat=True))
    until = change.planned_end or change.planned_start + timedelta(days=366)
    candidates = list(
        visible_to(user, Change)
        .filter(environments__in=environment_ids, planned_start__lt=until)
        .filter(Q(planned_end__gt=change.planned_start) | Q(planned_end__isnull=True))
        .exclude(state__in=NOT_HAPPENING)
        .exclude(pk=change.pk)
        .distinct()
        .order_by("planned_start", "pk")
    )
    links = Change.environments.through.objects.filter(
        change_id__in=[change.pk, *(other.pk for other in candidates)], environment_id__in=environment_ids
    ).values_list("change_id", "environment_id")
    windows = {other.pk: other for other in [change, *candidates]}
    partners = overlapping_keys(
        Window(change_id, environment_id, windows[change_id].planned_start, windows[change_id].planned_end)
        for change_id, environment_id in links
    )
    return [other for other in candidates if other.pk in partners.get(change.pk, set())]


@dataclass
class CalendarEntry:
    pk: int
    identifier: str
    title: str
    customer: str
    state: str
    state_label: str
    start: datetime
    end: datetime | None
    environments: list[str] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)  # identifiers of the changes it overlaps
    # Filled in by the page for the entries it shows: a template spends far longer on a {% url %} or a date filter.
    url: str = ""
    time: str = ""


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    entries: list[CalendarEntry]

    label: str = ""  # the date in words, filled in by the page

    # A day in the month's grid shows this many changes, and how many more there are (its agenda shows them all).
    SHOWN: ClassVar[int] = 4

    @property
    def first(self) -> list[CalendarEntry]:
        return self.entries[: self.SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.entries) - self.SHOWN)


@dataclass
class MonthCalendar:
    month: date  # its first day
    weeks: list[list[CalendarDay]]
    days: list[CalendarDay]  # the month's days that have changes, for the agenda
    overlaps: list[tuple[str, CalendarEntry, CalendarEntry]]  # environment, and the two changes
    count: int


def month_calendar(
    user: User, month: date, *, organisation_id: int | None = None, states: tuple[str, ...] = ()
) -> MonthCalendar:
    """The changes whose windows start in ``month`` (local time), by day, with every overlap among them.

    Three queries whatever the month holds: the changes (with the ones that started shortly before, for overlaps),
    their environments, and nothing else; rows come as tuples, not model instances.
    """
    zone = timezone.get_current_timezone()
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(after, time.min, zone)
    changes = visible_to(user, Change).filter(planned_start__gte=start - LOOKBACK, planned_start__lt=end)
    if organisation_id is not None:
        changes = changes.filter(organisation_id=organisation_id)
    rows = changes.order_by("planned_start", "pk").values_list(
        "pk", "title", "organisation__name", "state", "planned_start", "planned_end"
    )
    labels = dict(ChangeState.choices)
    entries = {
        pk: CalendarEntry(
            pk, Change.identifier_of(pk), title, customer, state, str(labels[state]), planned_start, planned_end
        )
        for pk, title, customer, state, planned_start, planned_end in rows
        if planned_start is not None  # always, by the filter; said for the type checker
    }
    links = (
        Change.environments.through.objects.filter(change__in=changes)
        .order_by("environment__name")
        .values_list("change_id", "environment_id", "environment__name")
    )
    names: dict[int, str] = {}
    windows = []
    for change_id, environment_id, name in links:
        entry = entries[change_id]
        entry.environments.append(name)
        names[environment_id] = name
        if entry.state not in NOT_HAPPENING:
            windows.append(Window(change_id, environment_id, entry.start, entry.end))
    found = []
    for overlap in overlaps(windows):
        first_entry, second_entry = entries[overlap.first], entries[overlap.second]  # type: ignore[index]
        if second_entry.start >= start:  # an overlap that began before the month is the earlier month's
            first_entry.overlaps.append(second_entry.identifier)
            second_entry.overlaps.append(first_entry.identifier)
            found.append((names[overlap.environment], first_entry, second_entry))  # type: ignore[index]
    shown = [entry for entry in entries.values() if entry.start >= start and (not states or entry.state in states)]
    by_day: dict[date, list[CalendarEntry]] = defaultdict(list)
    for entry in shown:
        by_day[timezone.localtime(entry.start, zone).date()].append(entry)
    days = {day: CalendarDay(day, True, by_day[day]) for day in sorted(by_day)}
    weeks = [
        [days.get(day) or CalendarDay(day, day.month == first.month, []) for day in week]
        for week in month_days.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return MonthCalendar(first, weeks, list(days.values()), found, len(shown))
