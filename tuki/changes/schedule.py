"""Reads of changes by their windows: the customer's upcoming maintenance and what waits for their word, the
calendar feed, the desk's change calendar across customers, and overlapping windows on one environment.

Each read is a fixed number of queries whatever the number of changes; the overlaps are found by the pure
:mod:`tuki.changes.overlaps`.
"""

from __future__ import annotations

import calendar as month_days
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import ClassVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeKind, ChangeState
from tuki.changes.month_windows import LONGEST_WINDOW, NOT_HAPPENING, month_windows
from tuki.changes.overlaps import Window, overlapping_keys
from tuki.core.scoping import visible_to

DONE = (ChangeState.IMPLEMENTED, ChangeState.VERIFIED, ChangeState.ROLLED_BACK)
UPCOMING = timedelta(weeks=4)
FEED_PAST = timedelta(days=60)


def upcoming_windows(user: User, *, now: datetime | None = None, environment_id: int | None = None) -> QuerySet[Change]:
    """Scheduled changes whose window has not ended, starting within four weeks, soonest first."""
    now = now or timezone.now()
    changes = visible_to(user, Change).filter(
        Q(planned_end__gt=now) | Q(planned_end__isnull=True, planned_start__gte=now),
        state=ChangeState.SCHEDULED,
        # Bounded below too, so the index on the window's start reads weeks, not the customer's whole history: a
        # window still running started at most the longest window ago.
        planned_start__gte=now - LONGEST_WINDOW.get(),
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
    entries: list[CalendarEntry]  # the first few, or all of them for the day chosen
    total: int = 0
    label: str = ""  # the date in words, filled in by the page

    # A day in the month's grid shows this many changes, and how many more there are (its agenda shows them all).
    SHOWN: ClassVar[int] = 4

    @property
    def first(self) -> list[CalendarEntry]:
        return self.entries[: self.SHOWN]

    @property
    def more(self) -> int:
        return max(0, self.total - self.SHOWN)


@dataclass
class MonthCalendar:
    month: date  # its first day
    weeks: list[list[CalendarDay]]
    chosen: CalendarDay | None  # the day whose agenda is shown
    overlaps: list[tuple[str, CalendarEntry, CalendarEntry]]  # environment, and the two changes (the first few)
    overlap_count: int
    count: int


# Overlaps listed with their changes; the count says how many more there are, a customer filter shows them.
OVERLAPS_SHOWN = 50


def month_calendar(
    user: User,
    month: date,
    *,
    organisation_id: int | None = None,
    states: tuple[str, ...] = (),
    day: date | None = None,
) -> MonthCalendar:
    """The changes whose windows start in ``month`` (local time), by day, with every overlap among them.

    A busy month holds thousands of changes, so their windows are read as bare tuples and kept per process
    (:mod:`tuki.changes.month_windows`), and only what the page shows is read in full: each day's first few, the
    chosen day's, and the first overlaps (one more query). Two queries whatever the month holds, one when it is kept.
    """
    first = month.replace(day=1)
    read = month_windows(user, first, timezone.get_current_timezone(), organisation_id)
    windows, found, partners = read.windows, read.overlaps, read.partners
    by_day: dict[date, list[int]] = defaultdict(list)
    for each, pks in read.days.items():
        shown = [pk for pk in pks if windows[pk][0] in states] if states else pks
        if shown:
            by_day[each] = shown
    changes = visible_to(user, Change)
    if organisation_id is not None:
        changes = changes.filter(organisation_id=organisation_id)
    wanted = {pk for day_pks in by_day.values() for pk in day_pks[: CalendarDay.SHOWN]}
    wanted |= set(by_day.get(day, [])) if day else set()
    wanted |= {pk for _environment, one, other in found[:OVERLAPS_SHOWN] for pk in (one, other)}
    entries, names = _entries(changes, wanted, windows, partners)
    weeks = [
        [
            CalendarDay(
                each,
                each.month == first.month,
                [entries[pk] for pk in by_day[each][: CalendarDay.SHOWN]],
                len(by_day[each]),
            )
            if each in by_day
            else CalendarDay(each, each.month == first.month, [])
            for each in week
        ]
        for week in month_days.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    chosen = CalendarDay(day, True, [entries[pk] for pk in by_day[day]], len(by_day[day])) if day in by_day else None
    listed = [
        (names.get(environment, ""), entries[one], entries[other]) for environment, one, other in found[:OVERLAPS_SHOWN]
    ]
    return MonthCalendar(first, weeks, chosen, listed, len(found), sum(len(pks) for pks in by_day.values()))


def _entries(
    changes: QuerySet[Change],
    wanted: set[int],
    windows: dict[int, tuple[str, datetime, datetime | None]],
    partners: dict[int, list[int]],
) -> tuple[dict[int, CalendarEntry], dict[int, str]]:
    """The changes a page shows, in full: titles, customers, environments and the changes each overlaps; and the
    names of their environments by id."""
    labels = {value: str(label) for value, label in ChangeState.choices}
    details = changes.filter(pk__in=wanted).values_list(
        "pk", "title", "organisation__name", "environments", "environments__name"
    )
    entries: dict[int, CalendarEntry] = {}
    names: dict[int, str] = {}
    for pk, title, customer, environment_id, environment in details.order_by("pk", "environments__name"):
        if pk not in entries:
            state, planned_start, planned_end = windows[pk]
            entries[pk] = CalendarEntry(
                pk, Change.identifier_of(pk), title, customer, state, labels[state], planned_start, planned_end
            )
            entries[pk].overlaps = [Change.identifier_of(other) for other in sorted(set(partners.get(pk, [])))]
        if environment:
            entries[pk].environments.append(environment)
            names[environment_id] = environment
    return entries, names
