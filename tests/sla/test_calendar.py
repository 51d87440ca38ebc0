"""Tests for tuki.sla.calendar: a brute-force oracle on generated calendars, worked
examples a support engineer can check by hand, and the error contract.

Pure Python (no Django); run with --noconftest so the project's Django setup stays out.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tuki.sla.calendar import FLOAT_EXACT_US, Calendar, CalendarError, ExplainStep, from_epoch_us, to_epoch_us

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
WORKWEEK = {weekday: [("08:00", "16:00")] for weekday in range(5)}
ALWAYS = {weekday: [("00:00", "24:00")] for weekday in range(7)}
FINNISH_HOLIDAYS = {
    date(2026, 1, 1): "New Year's Day",
    date(2026, 1, 6): "Epiphany",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 1): "May Day",
    date(2026, 5, 14): "Ascension Day",
    date(2026, 6, 19): "Midsummer Eve",
    date(2026, 6, 20): "Midsummer Day",
    date(2026, 10, 31): "All Saints' Day",
    date(2026, 12, 6): "Independence Day",  # a Sunday in 2026
    date(2026, 12, 24): "Christmas Eve",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 26): "Boxing Day",
    date(2027, 1, 1): "New Year's Day",
    date(2027, 1, 6): "Epiphany",
    date(2027, 12, 6): "Independence Day",  # a Monday in 2027
    date(2027, 12, 24): "Christmas Eve",
    date(2027, 12, 25): "Christmas Day",
    date(2027, 12, 26): "Boxing Day",
}
FINLAND = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS)


def hki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)  # type: ignore[arg-type, misc]


def utc(moments: list[datetime]) -> list[datetime]:
    """Compare across zones in UTC: PEP 495 makes == False for a fold-time vs another zone."""
    return [moment.astimezone(UTC) for moment in moments]


# ----- the brute-force oracle ----------------------------------------------------------

ORACLE_ZONES = [
    "Europe/Helsinki",
    "America/New_York",
    "Asia/Kolkata",  # plain DST, DST, half-hour offset
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",  # 30 min DST, +12:45, midnight DST
]
WINDOW_MINUTES = 10 * 24 * 60


@cache
def transitions_2026(zone_name: str) -> list[datetime]:
    """UTC instants where the zone's offset changes in 2026 (or mid-year if it never does)."""
    zone, found = ZoneInfo(zone_name), []
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    previous = moment.astimezone(zone).utcoffset()
    while moment.year == 2026:
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            found.append(moment)
        previous, moment = offset, moment + timedelta(minutes=15)
    return found or [datetime(2026, 6, 1, tzinfo=UTC)]


@cache
def wall_clock(zone_name: str, origin: datetime) -> list[tuple[date, int]]:
    """(local date, minute of day) shown by the wall clock at each UTC minute of the window."""
    zone = ZoneInfo(zone_name)
    result = []
    for minute in range(WINDOW_MINUTES):
        local = (origin + timedelta(minutes=minute)).astimezone(zone)
        result.append((local.date(), local.hour * 60 + local.minute))
    return result


def minutes_of(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def oracle_prefix(
    zone_name: str,
    origin: datetime,
    weekly: dict[int, list[tuple[str, str]]],
    holidays: set[date],
    exceptions: dict[date, list[tuple[str, str]]],
) -> list[int]:
    """cum[m] = open minutes among the window's first m UTC minutes, checked on the wall clock."""
    cum = [0]
    for day, minute in wall_clock(zone_name, origin):
        if day in exceptions:
            hours = exceptions[day]
        else:
            hours = [] if day in holidays else weekly.get(day.weekday(), [])
        is_open = any(minutes_of(start) <= minute < minutes_of(end) for start, end in hours)
        cum.append(cum[-1] + is_open)
    return cum


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


day_hours = st.lists(st.sampled_from(range(0, 24 * 60 + 1, 15)), unique=True, max_size=6).map(
    lambda points: (
        [(clock_text(a), clock_text(b)) for a, b in zip(points[::2], points[1::2], strict=False)]
        if (points := sorted(points))
        else []
    )
)


@st.composite
def oracle_cases(draw: st.DrawFn) -> tuple[str, datetime, Calendar, list[int]]:
    zone_name = draw(st.sampled_from(ORACLE_ZONES))
    transition = draw(st.sampled_from(transitions_2026(zone_name)))
    origin = transition.replace(minute=0) - timedelta(days=draw(st.integers(3, 6)))
    weekly = {weekday: hours for weekday in range(7) if (hours := draw(day_hours))}
    assume(weekly)
    dates = sorted({day for day, _ in wall_clock(zone_name, origin)})
    holidays = set(draw(st.lists(st.sampled_from(dates), max_size=3)))
    exceptions = draw(st.dictionaries(st.sampled_from(dates), day_hours, max_size=3))
    calendar = Calendar(zone_name, weekly, holidays, exceptions)
    return zone_name, origin, calendar, oracle_prefix(zone_name, origin, weekly, holidays, exceptions)


ORACLE_SETTINGS = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
window_minute = st.integers(0, WINDOW_MINUTES)


@ORACLE_SETTINGS
@given(case=oracle_cases(), pairs=st.lists(st.tuples(window_minute, window_minute), min_size=1, max_size=8))
def test_business_time_between_matches_oracle(
    case: tuple[str, datetime, Calendar, list[int]], pairs: list[tuple[int, int]]
) -> None:
    zone_name, origin, calendar, cum = case
    instants = [(origin + timedelta(minutes=a), origin + timedelta(minutes=b)) for a, b in pairs]
    expected = [timedelta(minutes=max(0, cum[b] - cum[a])) for a, b in pairs]
    # Inputs in the calendar's own zone and in UTC must agree.
    local = [(a.astimezone(calendar.zone), b) for a, b in instants]
    assert [calendar.business_time_between(a, b) for a, b in local] == expected
    assert calendar.business_time_between_many(instants) == expected


@ORACLE_SETTINGS
@given(case=oracle_cases(), data=st.data())
def test_add_business_time_matches_oracle(case: tuple[str, datetime, Calendar, list[int]], data: st.DataObject) -> None:
    zone_name, origin, calendar, cum = case
    items: list[tuple[datetime, timedelta]] = []
    expected: list[datetime] = []
    for _ in range(data.draw(st.integers(1, 6))):
        first = data.draw(st.integers(0, WINDOW_MINUTES - 1))
        minutes = data.draw(st.integers(0, cum[-1] - cum[first]))
        due = bisect_left(cum, cum[first] + minutes, lo=first)  # first minute where the time is used up
        items.append((origin + timedelta(minutes=first), timedelta(minutes=minutes)))
        expected.append(origin + timedelta(minutes=due))
    results = [calendar.add_business_time(start, delta) for start, delta in items]
    assert utc(results) == expected
    assert all(result.tzinfo is calendar.zone for result in results)
    assert utc(calendar.add_business_time_many(items)) == expected
    for start, delta in items:
        steps = calendar.explain_add(start, delta)
        assert sum((step.business for step in steps), timedelta()) == delta
        minute = (start - origin) // timedelta(minutes=1)
        assert calendar.is_open(start) == (cum[minute + 1] > cum[minute])
        if cum[-1] > cum[minute]:
            first_open = bisect_left(cum, cum[minute] + 1, lo=minute) - 1
            assert utc([calendar.next_open(start)]) == [origin + timedelta(minutes=first_open)]


SECOND_WINDOW = 6 * 3600
NIGHTS = Calendar(
    "Europe/Helsinki", {d: [("02:30", "03:30"), ("03:45", "04:15"), ("05:00", "06:00")] for d in range(7)}
)


@cache
def nights_seconds_prefix(origin: datetime) -> list[int]:
    cum = [0]
    for second in range(SECOND_WINDOW):
        local = (origin + timedelta(seconds=second)).astimezone(HELSINKI)
        clock = local.hour * 3600 + local.minute * 60 + local.second
        cum.append(cum[-1] + any(a <= clock < b for a, b in [(9000, 12600), (13500, 15300), (18000, 21600)]))
    return cum


@settings(max_examples=60, deadline=None)
@given(
    night=st.sampled_from([date(2026, 3, 29), date(2026, 10, 25)]),
    a=st.integers(0, SECOND_WINDOW),
    b=st.integers(0, SECOND_WINDOW),
    data=st.data(),
)
def test_exact_seconds_across_dst_match_second_oracle(night: date, a: int, b: int, data: st.DataObject) -> None:
    """Second-resolution inputs over the two DST nights, checked second by second."""
    origin = datetime(night.year, night.month, night.day, tzinfo=HELSINKI).astimezone(UTC)
    cum = nights_seconds_prefix(origin)
    assert NIGHTS.business_time_between(origin + timedelta(seconds=a), origin + timedelta(seconds=b)) == timedelta(
        seconds=max(0, cum[b] - cum[a])
    )
    delta = data.draw(st.integers(0, cum[-1] - cum[a]))
    due = bisect_left(cum, cum[a] + delta, lo=a)
    due_at = NIGHTS.add_business_time(origin + timedelta(seconds=a), timedelta(seconds=delta))
    assert utc([due_at]) == [origin + timedelta(seconds=due)]


# ----- algebraic properties at microsecond resolution ----------------------------------

instants = st.integers(0, 400 * 86_400 * 10**6).map(lambda us: hki(2026, 1, 1) + timedelta(microseconds=us))
deltas = st.integers(0, 300 * 3600 * 10**6).map(lambda us: timedelta(microseconds=us))


@settings(max_examples=200, deadline=None)
@given(start=instants, delta=deltas)
def test_round_trip_and_minimality(start: datetime, delta: timedelta) -> None:
    due = FINLAND.add_business_time(start, delta)
    assert due >= start
    assert FINLAND.business_time_between(start, due) == delta
    if delta:  # nothing earlier will do
        assert FINLAND.business_time_between(start, due - timedelta(microseconds=1)) < delta


@settings(max_examples=200, deadline=None)
@given(moments=st.lists(instants, min_size=3, max_size=3).map(sorted), d1=deltas, d2=deltas)
def test_additivity_and_monotonicity(moments: list[datetime], d1: timedelta, d2: timedelta) -> None:
    a, b, c = moments
    between = FINLAND.business_time_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) <= between(a, c)
    assert between(c, a) == timedelta(0)
    small, large = sorted([d1, d2])
    assert FINLAND.add_business_time(a, small) <= FINLAND.add_business_time(a, large)


def test_vectorised_forms_equal_scalar_forms() -> None:
    rng = random.Random(7)  # noqa: S311 - test data, not secrets
    base = hki(2025, 6, 1)
    starts = [base + timedelta(seconds=rng.randrange(3 * 365 * 86_400)) for _ in range(500)]
    items = [(start, timedelta(hours=rng.choice([0, 1, 4, 8, 16, 40]), seconds=rng.randrange(60))) for start in starts]
    pairs = [(start, start + timedelta(seconds=rng.randrange(-86_400, 60 * 86_400))) for start in starts]
    assert FINLAND.add_business_time_many(items) == [FINLAND.add_business_time(s, d) for s, d in items]
    between = FINLAND.business_time_between
    assert FINLAND.business_time_between_many(pairs) == [between(a, b) for a, b in pairs]
    assert FINLAND.add_business_time_many([]) == []
    assert FINLAND.business_time_between_many([]) == []


# ----- the numpy array API ------------------------------------------------------------------

US = 10**6
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


@ORACLE_SETTINGS
@given(case=oracle_cases(), data=st.data())
def test_array_forms_match_scalar_forms_on_oracle_calendars(
    case: tuple[str, datetime, Calendar, list[int]], data: st.DataObject
) -> None:
    """DST nights in six zones, random hours, holidays and exceptions, microsecond inputs."""
    _, origin, calendar, cum = case
    size = data.draw(st.integers(1, 12))
    window_us = WINDOW_MINUTES * 60 * US
    starts = np.array(data.draw(st.lists(st.integers(0, window_us), min_size=size, max_size=size))) + epoch_us(origin)
    ends = np.array(data.draw(st.lists(st.integers(0, window_us), min_size=size, max_size=size))) + epoch_us(origin)
    # Up to the window's business time and beyond it, so the array path must grow the index.
    deltas = np.array(data.draw(st.lists(st.integers(0, (cum[-1] + 600) * 60 * US), min_size=size, max_size=size)))
    deltas[: data.draw(st.integers(0, size))] = 0  # zeros too, open or closed
    # The fresh calendar answers the array form first, so its index starts from nothing.
    dues = calendar.add_business_time_array(starts, deltas)
    amounts = calendar.business_time_between_array(starts, ends)
    start_times = from_epoch_us(starts, UTC)
    expected_dues = [
        calendar.add_business_time(start, timedelta(microseconds=delta))
        for start, delta in zip(start_times, deltas.tolist(), strict=True)
    ]
    assert [epoch_us(due) for due in expected_dues] == dues.tolist()
    # Same zone: == compares wall times and ignores fold, so compare fold separately.
    assert [(due, due.fold) for due in calendar.from_epoch_us(dues)] == [(due, due.fold) for due in expected_dues]
    expected_amounts = [
        calendar.business_time_between(start, end)
        for start, end in zip(start_times, from_epoch_us(ends, UTC), strict=True)
    ]
    assert [timedelta(microseconds=amount) for amount in amounts.tolist()] == expected_amounts
    assert dues.dtype == amounts.dtype == np.int64


@settings(max_examples=40, deadline=None)
@given(
    starts=st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=20),
    deltas=st.lists(st.integers(0, 10**6), min_size=20, max_size=20),
)
def test_round_the_clock_array_adds_real_time(starts: list[int], deltas: list[int]) -> None:
    """24/7 over both Helsinki DST nights of 2026: the deadline is start + delta, to the microsecond."""
    always = Calendar("Europe/Helsinki", ALWAYS)
    scale = 7 * US  # about ±80 days around each night, in 7-second steps plus the odd microsecond
    nights = [epoch_us(hki(2026, 3, 29, 3)), epoch_us(hki(2026, 10, 25, 3))]
    begin = np.array([nights[n % 2] + value * scale + n for n, value in enumerate(starts)])
    amount = np.array([value * scale for value in deltas[: len(starts)]])
    assert (always.add_business_time_array(begin, amount) == begin + amount).all()
    assert (always.business_time_between_array(begin, begin + amount) == amount).all()
    assert always.add_business_time_many(
        [
            (start, timedelta(microseconds=delta))
            for start, delta in zip(from_epoch_us(begin, UTC), amount.tolist(), strict=True)
        ]
    ) == from_epoch_us(begin + amount, HELSINKI)


def test_array_forms_match_scalar_forms_over_years() -> None:
    rng = np.random.default_rng(5)
    calendar = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS, {date(2026, 10, 26): [("02:00", "05:00")]})
    starts = epoch_us(hki(2025, 6, 1)) + rng.integers(0, 3 * 365 * 86_400 * US, 3000)
    deltas = rng.choice([0, 30, 60, 240, 480, 960, 2400], 3000) * 60 * US + rng.integers(0, US, 3000)
    ends = starts + rng.integers(-86_400 * US, 60 * 86_400 * US, 3000)
    dues = calendar.add_business_time_array(starts, deltas)
    amounts = calendar.business_time_between_array(starts, ends)
    for n in range(0, 3000, 7):
        start, end = from_epoch_us(starts[n : n + 1], UTC)[0], from_epoch_us(ends[n : n + 1], UTC)[0]
        assert epoch_us(calendar.add_business_time(start, timedelta(microseconds=int(deltas[n])))) == dues[n]
        assert calendar.business_time_between(start, end) == timedelta(microseconds=int(amounts[n]))
    # Shapes are kept; the result does not depend on how the inputs are batched.
    grid = calendar.add_business_time_array(starts.reshape(60, 50), deltas.reshape(60, 50))
    assert grid.shape == (60, 50) and (grid.ravel() == dues).all()
    assert (calendar.business_time_between_array(starts.reshape(3, -1), ends.reshape(3, -1)).ravel() == amounts).all()
    assert calendar.add_business_time_array(starts[5], deltas[5]) == dues[5]


def test_array_edge_cases() -> None:
    empty = np.array([], dtype=np.int64)
    for result in (FINLAND.add_business_time_array(empty, empty), FINLAND.business_time_between_array([], [])):
        assert result.shape == (0,) and result.dtype == np.int64
    assert FINLAND.from_epoch_us(empty) == [] and to_epoch_us([]).shape == (0,)
    saturday, monday = epoch_us(hki(2026, 11, 28, 12)), epoch_us(hki(2026, 11, 30, 9))
    starts = np.array([saturday, monday, monday])
    assert (FINLAND.add_business_time_array(starts, [0, 0, 0]) == starts).all()
    assert FINLAND.add_business_time_array(starts, [1, 0, US]).tolist() == [
        epoch_us(hki(2026, 11, 30, 8)) + 1,
        monday,
        monday + US,
    ]
    # end <= start counts nothing, and a far past end does not stretch the index.
    assert FINLAND.business_time_between_array(starts, [saturday - 1, monday, 0]).tolist() == [0, 0, 0]
    for bad_shape in ([1, 2], [[0, 0, 0]], 0):
        with pytest.raises(ValueError, match="shape"):
            FINLAND.add_business_time_array(starts, bad_shape)
        with pytest.raises(ValueError, match="shape"):
            FINLAND.business_time_between_array(starts, bad_shape)
    with pytest.raises(ValueError, match="negative"):
        FINLAND.add_business_time_array(starts, [0, -1, 0])
    with pytest.raises(ValueError, match="range"):
        FINLAND.add_business_time_array(starts, [0, 2**62, 0])
    with pytest.raises(TypeError, match="integer"):
        FINLAND.add_business_time_array(starts.astype(float), [0, 0, 0])
    with pytest.raises(TypeError, match="integer"):
        FINLAND.from_epoch_us([1.5])


def test_array_add_refuses_years_of_closed_exceptions() -> None:
    no_hours: list[tuple[str, str]] = []
    closed = {date(2026, 1, 1) + timedelta(days=n): no_hours for n in range(4 * 366)}
    calendar = Calendar("Europe/Helsinki", WORKWEEK, exceptions=closed)
    before = epoch_us(hki(2025, 12, 31, 15))
    assert calendar.add_business_time_array([before], [3600 * US]).tolist() == [epoch_us(hki(2025, 12, 31, 16))]
    with pytest.raises(CalendarError, match="3 years"):
        calendar.add_business_time_array([before, before], [3600 * US, 2 * 3600 * US])
    # A two-year closure is crossed, by both forms, on a fresh calendar (the index grows as needed).
    shorter = dict(list(closed.items())[: 2 * 365])
    starts = [epoch_us(hki(2026, 1, 1)), epoch_us(hki(2025, 12, 31, 15, 30))]
    dues = Calendar("Europe/Helsinki", WORKWEEK, exceptions=shorter).add_business_time_array(starts, [US * 3600] * 2)
    assert dues.tolist() == [epoch_us(hki(2028, 1, 3, 9)), epoch_us(hki(2028, 1, 3, 8, 30))]
    fresh = Calendar("Europe/Helsinki", WORKWEEK, exceptions=shorter)
    assert fresh.next_open(hki(2026, 6, 1)) == hki(2028, 1, 3, 8)
    assert fresh.add_business_time(hki(2026, 1, 1), timedelta(hours=1)) == hki(2028, 1, 3, 9)


def test_epoch_conversions() -> None:
    moments = [
        datetime(2026, 10, 25, 3, 30, tzinfo=HELSINKI, fold=0),  # the first 03:30 of the autumn night
        datetime(2026, 10, 25, 3, 30, tzinfo=HELSINKI, fold=1),  # the second
        datetime(2026, 3, 29, 1, 30, 0, 999_999, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),  # before the epoch: exact path
        datetime(2200, 1, 1, 0, 0, 0, 1, tzinfo=NEW_YORK),  # past 2**32 s: exact path
        datetime(1, 1, 1, 12, tzinfo=UTC),
    ]
    micros = to_epoch_us(moments)
    assert micros.dtype == np.int64
    assert micros.tolist() == [epoch_us(moment) for moment in moments]
    assert micros[1] - micros[0] == 3600 * US
    back = FINLAND.from_epoch_us(micros)
    assert utc(back) == utc(moments) and all(moment.tzinfo is HELSINKI for moment in back)
    assert [moment.fold for moment in back[:2]] == [0, 1]
    assert from_epoch_us(micros[:3], UTC) == [moment.astimezone(UTC) for moment in moments[:3]]
    assert to_epoch_us(moment for moment in moments[:2]).tolist() == micros[:2].tolist()  # any iterable
    with pytest.raises(ValueError, match="naive"):
        to_epoch_us([hki(2026, 1, 1), datetime(2026, 1, 1)])  # noqa: DTZ001
    with pytest.raises(TypeError):
        to_epoch_us([date(2026, 1, 1)])


ALWAYS_UTC = Calendar("UTC", ALWAYS)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.integers(0, FLOAT_EXACT_US + US),
        st.integers(0, 2**32 - 1).map(lambda seconds: seconds * US + US - 1),  # .999999
        st.integers(1, 2**32).map(lambda seconds: seconds * US - US // 2),  # .5 exactly
        st.integers(epoch_us(datetime.min.replace(tzinfo=UTC)), epoch_us(datetime.max.replace(tzinfo=UTC))),
    )
)
def test_from_epoch_us_is_exact(micros: int) -> None:
    """The float shortcut (below 2**32 s) must round to the very microsecond."""
    expected = EPOCH + timedelta(microseconds=micros)
    assert from_epoch_us([micros], UTC) == [expected]
    if 0 <= micros <= FLOAT_EXACT_US + US:
        # The scalar fast path uses the same shortcut for deadlines (24/7: deadline = start + delta).
        start = EPOCH + timedelta(microseconds=micros - 7 * 86_400 * US)
        assert ALWAYS_UTC.add_business_time(start, expected - start) == expected


def test_datetime_subclasses_take_the_checked_path() -> None:
    class Moment(datetime):
        pass

    start = Moment(2026, 12, 4, 15, 30, tzinfo=HELSINKI)
    assert FINLAND.add_business_time(start, timedelta(hours=2)) == hki(2026, 12, 7, 9, 30)
    assert FINLAND.business_time_between(start, Moment(2026, 12, 7, 9, 30, tzinfo=UTC)) == timedelta(hours=4)
    assert to_epoch_us([start]).tolist() == [epoch_us(start)]


def test_shared_between_threads_mixing_scalar_and_array_forms() -> None:
    rng = np.random.default_rng(13)
    starts = epoch_us(hki(2020, 1, 1)) + rng.integers(0, 10 * 365 * 86_400 * US, 4000)
    deltas = rng.integers(0, 80 * 3600 * US, 4000)
    expected = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS).add_business_time_array(starts, deltas)
    shared = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS)

    def work(n: int) -> list[int]:
        chunk = slice(n, None, 8)  # each thread pushes the index a different way
        if n % 2:
            return shared.add_business_time_array(starts[chunk], deltas[chunk]).tolist()
        moments = from_epoch_us(starts[chunk], UTC)
        return [
            epoch_us(shared.add_business_time(moment, timedelta(microseconds=delta)))
            for moment, delta in zip(moments, deltas[chunk].tolist(), strict=True)
        ]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    assert results == [expected[n::8].tolist() for n in range(8)]


# ----- worked examples ---------------------------------------------------------------------


def test_friday_afternoon_over_a_sunday_holiday() -> None:
    # 6 Dec 2026 (Independence Day) is a Sunday: it costs nothing extra.
    assert FINLAND.add_business_time(hki(2026, 12, 4, 15, 30), timedelta(hours=2)) == hki(2026, 12, 7, 9, 30)
    assert FINLAND.add_business_time(hki(2026, 12, 4, 15, 30), timedelta(hours=4)) == hki(2026, 12, 7, 11, 30)


def test_friday_afternoon_over_a_monday_holiday() -> None:
    # 6 Dec 2027 is a Monday.
    assert FINLAND.add_business_time(hki(2027, 12, 3, 15, 30), timedelta(hours=2)) == hki(2027, 12, 7, 9, 30)
    between = FINLAND.business_time_between
    assert between(hki(2027, 12, 3, 15, 30), hki(2027, 12, 7, 9, 30)) == timedelta(hours=2)


def test_christmas() -> None:
    # Wed 23 Dec 2026 15:00 + 3 h: 1 h on Wednesday, Thu-Sat holidays, Sunday, 2 h on Monday 28th.
    assert FINLAND.add_business_time(hki(2026, 12, 23, 15), timedelta(hours=3)) == hki(2026, 12, 28, 10)
    # The rest of the year: the 23rd and 28th-31st.
    assert FINLAND.business_time_between(hki(2026, 12, 23), hki(2027, 1, 1)) == timedelta(hours=5 * 8)


def test_exception_with_shorter_hours_and_closed_exception() -> None:
    calendar = Calendar(
        "Europe/Helsinki",
        WORKWEEK,
        FINNISH_HOLIDAYS,
        {date(2026, 12, 23): [("08:00", "12:00")], date(2026, 12, 29): []},
    )
    assert calendar.add_business_time(hki(2026, 12, 23, 10), timedelta(hours=4)) == hki(2026, 12, 28, 10)
    assert calendar.add_business_time(hki(2026, 12, 28, 15), timedelta(hours=2)) == hki(2026, 12, 30, 9)
    assert not calendar.is_open(hki(2026, 12, 23, 13))
    # An exception beats a holiday: special opening hours on Christmas Eve.
    open_eve = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS, {date(2026, 12, 24): [("09:00", "11:00")]})
    assert open_eve.business_time_between(hki(2026, 12, 24), hki(2026, 12, 25)) == timedelta(hours=2)


def test_deadline_ending_at_closing_time_stays_there() -> None:
    assert FINLAND.add_business_time(hki(2026, 11, 27, 8), timedelta(hours=8)) == hki(2026, 11, 27, 16)
    assert FINLAND.add_business_time(hki(2026, 11, 27, 15), timedelta(hours=1)) == hki(2026, 11, 27, 16)


def test_zero_delta_returns_start_even_when_closed() -> None:
    saturday = hki(2026, 11, 28, 12)
    assert FINLAND.add_business_time(saturday, timedelta(0)) == saturday
    assert FINLAND.add_business_time(hki(2026, 11, 27, 9, 15), timedelta(0)) == hki(2026, 11, 27, 9, 15)
    assert FINLAND.explain_add(saturday, timedelta(0)) == []
    assert FINLAND.next_open(saturday) == hki(2026, 11, 30, 8)


def test_outputs_are_in_calendar_zone_and_inputs_may_be_in_any_zone() -> None:
    due = FINLAND.add_business_time(datetime(2026, 12, 4, 13, 30, tzinfo=UTC), timedelta(hours=2))
    assert due == hki(2026, 12, 7, 9, 30) and due.tzinfo is HELSINKI and due.utcoffset() == timedelta(hours=2)
    kolkata = Calendar("Asia/Kolkata", WORKWEEK)
    assert kolkata.add_business_time(datetime(2026, 5, 4, 2, 30, tzinfo=UTC), timedelta(hours=8)) == datetime(
        2026, 5, 4, 10, 30, tzinfo=UTC
    )


def test_microseconds_are_kept() -> None:
    start = hki(2026, 11, 27, 15, 59, 59, 250_000)
    assert FINLAND.add_business_time(start, timedelta(seconds=1)) == hki(2026, 11, 30, 8, 0, 0, 250_000)
    after = hki(2026, 11, 30, 8, 0, 0, 1)
    assert FINLAND.business_time_between(start, after) == timedelta(microseconds=750_001)


def test_wall_hours_across_dst_count_real_time() -> None:
    night = Calendar("Europe/Helsinki", {d: [("02:00", "05:00")] for d in range(7)})
    assert night.business_time_between(hki(2026, 3, 29), hki(2026, 3, 30)) == timedelta(hours=2)
    assert night.business_time_between(hki(2026, 10, 25), hki(2026, 10, 26)) == timedelta(hours=4)
    assert night.business_time_between(hki(2026, 10, 24), hki(2026, 10, 25)) == timedelta(hours=3)
    # The autumn night: 4 real hours from 02:00 EEST to 05:00 EET.
    assert night.add_business_time(hki(2026, 10, 25, 2), timedelta(hours=4)) == hki(2026, 10, 25, 5)
    new_york = Calendar("America/New_York", {d: [("00:00", "03:00")] for d in range(7)})
    assert new_york.business_time_between(
        datetime(2026, 3, 8, tzinfo=NEW_YORK), datetime(2026, 3, 9, tzinfo=NEW_YORK)
    ) == timedelta(hours=2)
    assert new_york.business_time_between(
        datetime(2026, 11, 1, tzinfo=NEW_YORK), datetime(2026, 11, 2, tzinfo=NEW_YORK)
    ) == timedelta(hours=4)


def test_night_shift_over_spring_and_autumn_nights() -> None:
    nights = Calendar("Europe/Helsinki", {d: [("00:00", "06:00"), ("22:00", "24:00")] for d in range(7)})
    # Sat 22:00 + 7 h: 2 h before midnight, then 00:00-06:00 local holds only 5 real hours.
    assert nights.add_business_time(hki(2026, 3, 28, 22), timedelta(hours=7)) == hki(2026, 3, 29, 6)
    assert nights.add_business_time(hki(2026, 10, 24, 22), timedelta(hours=7)) == hki(2026, 10, 25, 4)


def test_wall_times_in_gap_and_overlap() -> None:
    # 03:30 never happens on the spring night: the clock jumps 03:00 -> 04:00, so 03:30-05:00 is 1 h.
    odd = Calendar("Europe/Helsinki", {d: [("03:30", "05:00")] for d in range(7)})
    assert odd.business_time_between(hki(2026, 3, 29), hki(2026, 3, 30)) == timedelta(hours=1)
    # Autumn: 03:30-04:00 EEST, then 03:30-04:00 again and 04:00-05:00 EET: 2 h in all.
    assert odd.business_time_between(hki(2026, 10, 25), hki(2026, 10, 26)) == timedelta(hours=2)
    assert odd.is_open(datetime(2026, 10, 25, 0, 45, tzinfo=UTC))  # first 03:45
    assert not odd.is_open(datetime(2026, 10, 25, 1, 15, tzinfo=UTC))  # second 03:15
    second_opening = odd.next_open(datetime(2026, 10, 25, 1, 15, tzinfo=UTC))  # second 03:30
    assert utc([second_opening]) == [datetime(2026, 10, 25, 1, 30, tzinfo=UTC)] and second_opening.fold == 1


def test_midnight_ends_join_across_days() -> None:
    late = Calendar("Europe/Helsinki", {4: [("20:00", "24:00")], 5: [("00:00", "02:00")]})
    assert late.add_business_time(hki(2026, 11, 27, 23), timedelta(hours=2)) == hki(2026, 11, 28, 1)
    assert late.add_business_time(hki(2026, 11, 27, 20), timedelta(hours=4)) == hki(2026, 11, 28)
    assert late.is_open(hki(2026, 11, 28)) and not late.is_open(hki(2026, 11, 28, 2))
    assert late.next_open(hki(2026, 11, 28, 2)) == hki(2026, 12, 4, 20)


def test_round_the_clock_calendar_is_real_elapsed_time() -> None:
    always = Calendar("Europe/Helsinki", ALWAYS)
    for start, end in [
        (hki(2026, 3, 28), hki(2026, 3, 30)),
        (hki(2026, 10, 24), hki(2026, 10, 27)),
        (hki(2025, 12, 31, 23, 59), hki(2027, 1, 1, 0, 1)),
    ]:
        real = end.astimezone(UTC) - start.astimezone(UTC)
        assert always.business_time_between(start, end) == real
        assert always.add_business_time(start, real) == end
    assert always.next_open(hki(2026, 3, 29, 4)) == hki(2026, 3, 29, 4)


def test_touching_intervals_are_one_interval() -> None:
    split = Calendar("Europe/Helsinki", {0: [("12:00", "16:00"), ("08:00", "12:00")]})
    assert split.add_business_time(hki(2026, 11, 30, 11), timedelta(hours=5)) == hki(2026, 11, 30, 16)


# ----- explain -------------------------------------------------------------------------------


def test_explain_friday_before_independence_day() -> None:
    steps = FINLAND.explain_add(hki(2027, 12, 3, 15, 30), timedelta(hours=2))
    assert [(s.day, s.kind, s.business, s.label, s.last_day) for s in steps] == [
        (date(2027, 12, 3), "counted", timedelta(minutes=30), "", None),
        (date(2027, 12, 4), "weekend", timedelta(0), "", date(2027, 12, 5)),
        (date(2027, 12, 6), "holiday", timedelta(0), "Independence Day", None),
        (date(2027, 12, 7), "counted", timedelta(minutes=90), "", None),
    ]
    assert steps[0].intervals == [(hki(2027, 12, 3, 15, 30), hki(2027, 12, 3, 16))]
    assert steps[-1].intervals == [(hki(2027, 12, 7, 8), hki(2027, 12, 7, 9, 30))]
    with pytest.raises(AttributeError):
        steps[0].kind = "x"  # type: ignore[misc]
    assert isinstance(steps[0], ExplainStep)


def test_explain_christmas_and_after_hours_start() -> None:
    calendar = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS, {date(2026, 12, 22): [("08:00", "12:00")]})
    steps = calendar.explain_add(hki(2026, 12, 21, 17), timedelta(hours=6))
    assert [(s.day, s.kind, s.label, s.business) for s in steps] == [
        (date(2026, 12, 21), "closed", "", timedelta(0)),
        (date(2026, 12, 22), "exception_hours", "", timedelta(hours=4)),
        (date(2026, 12, 23), "counted", "", timedelta(hours=2)),
    ]
    steps = calendar.explain_add(hki(2026, 12, 23, 15), timedelta(hours=3))
    assert [(s.kind, s.label) for s in steps] == [
        ("counted", ""),
        ("holiday", "Christmas Eve"),
        ("holiday", "Christmas Day"),
        ("holiday", "Boxing Day"),
        ("weekend", ""),
        ("counted", ""),
    ]
    closed = Calendar("Europe/Helsinki", WORKWEEK, exceptions={date(2026, 12, 28): [], date(2026, 12, 29): []})
    steps = closed.explain_add(hki(2026, 12, 25, 16), timedelta(hours=1))
    assert [(s.day, s.kind, s.last_day) for s in steps] == [
        (date(2026, 12, 25), "closed", None),
        (date(2026, 12, 26), "weekend", date(2026, 12, 27)),
        (date(2026, 12, 28), "exception_closed", date(2026, 12, 29)),
        (date(2026, 12, 30), "counted", None),
    ]


# ----- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "unknown time zone"),
        ({"timezone": "../etc/passwd"}, "timezone", "unknown time zone"),
        ({"timezone": 42}, "timezone", "unknown time zone"),
        ({"weekly": {}}, "weekly", "no working time"),
        ({"weekly": {d: [] for d in range(7)}}, "weekly", "no working time"),
        ({"weekly": [("08:00", "16:00")]}, "weekly", "mapping"),
        ({"weekly": {7: [("08:00", "16:00")]}}, "weekly", "weekday 7"),
        ({"weekly": {-1: [("08:00", "16:00")]}}, "weekly", "weekday -1"),
        ({"weekly": {"0": [("08:00", "16:00")]}}, "weekly", "weekday '0'"),
        ({"weekly": {0: [("16:00", "08:00")]}}, "weekly", "does not end after it starts"),
        ({"weekly": {0: [("08:00", "08:00")]}}, "weekly", "does not end after it starts"),
        ({"weekly": {0: [("08:00", "12:00"), ("11:00", "13:00")]}}, "weekly", "overlap"),
        ({"weekly": {0: [("8:00", "16:00")]}}, "weekly", "'HH:MM'"),
        ({"weekly": {0: [("08:00", "24:30")]}}, "weekly", "not a time of day"),
        ({"weekly": {0: [("08:00", "12:60")]}}, "weekly", "not a time of day"),
        ({"weekly": {0: [("24:00", "24:00")]}}, "weekly", "does not end after it starts"),
        ({"weekly": {0: [(8, 16)]}}, "weekly", "'HH:MM'"),
        ({"weekly": {0: "08:00-16:00"}}, "weekly", "list of (start, end) pairs"),
        ({"weekly": {0: [("08:00",)]}}, "weekly", "pair"),
        ({"holidays": [datetime(2026, 12, 6, tzinfo=UTC)]}, "holidays", "not a date"),
        ({"holidays": ["2026-12-06"]}, "holidays", "not a date"),
        ({"exceptions": {"2026-12-23": []}}, "exceptions", "not a date"),
        ({"exceptions": {date(2026, 12, 23): [("12:00", "08:00")]}}, "exceptions", "2026-12-23"),
    ],
)
def test_invalid_definitions_name_the_field(kwargs: dict[str, object], field: str, words: str) -> None:
    arguments: dict[str, object] = {"timezone": "Europe/Helsinki", "weekly": WORKWEEK, **kwargs}
    with pytest.raises(CalendarError) as caught:
        Calendar(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_years_of_closed_exceptions_are_refused_not_searched_forever() -> None:
    no_hours: list[tuple[str, str]] = []
    closed = {date(2026, 1, 1) + timedelta(days=n): no_hours for n in range(4 * 366)}
    calendar = Calendar("Europe/Helsinki", WORKWEEK, exceptions=closed)
    with pytest.raises(CalendarError) as caught:
        calendar.add_business_time(hki(2026, 1, 1), timedelta(hours=1))
    assert caught.value.field == "exceptions" and "3 years" in str(caught.value)
    with pytest.raises(CalendarError):
        calendar.next_open(hki(2026, 1, 1))
    with pytest.raises(CalendarError):
        calendar.add_business_time_many([(hki(2025, 12, 31, 15), timedelta(hours=2))])
    # Time before the closure still counts, and a two-year closure is crossed.
    assert calendar.add_business_time(hki(2025, 12, 31, 15), timedelta(hours=1)) == hki(2025, 12, 31, 16)
    shorter = Calendar("Europe/Helsinki", WORKWEEK, exceptions=dict(list(closed.items())[: 2 * 365]))
    assert shorter.add_business_time(hki(2026, 1, 1), timedelta(hours=1)) == hki(2028, 1, 3, 9)


def test_other_accepted_argument_forms() -> None:
    as_set = Calendar(HELSINKI, WORKWEEK, {date(2026, 12, 7)})  # a tzinfo, and holidays as a set
    assert as_set.add_business_time(hki(2026, 12, 4, 15, 30), timedelta(hours=2)) == hki(2026, 12, 8, 9, 30)
    as_generator = Calendar("UTC", {0: [("09:00", "10:00")]}, (date(2026, 11, d) for d in (30,)), None)
    assert as_generator.next_open(datetime(2026, 11, 29, tzinfo=UTC)) == datetime(2026, 12, 7, 9, tzinfo=UTC)
    with pytest.raises(CalendarError) as caught:
        Calendar("UTC", WORKWEEK, exceptions=[date(2026, 1, 1)])  # type: ignore[arg-type]
    assert caught.value.field == "exceptions"


def test_shared_between_threads() -> None:
    rng = random.Random(11)  # noqa: S311 - test data, not secrets
    decade = 10 * 365 * 24
    items = [
        (hki(2020, 1, 1) + timedelta(hours=rng.randrange(decade)), timedelta(hours=rng.randrange(80)))
        for _ in range(4000)
    ]
    expected = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS).add_business_time_many(items)
    shared = Calendar("Europe/Helsinki", WORKWEEK, FINNISH_HOLIDAYS)
    chunks = [items[n::8] for n in range(8)]  # each thread pushes the index a different way
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda chunk: [shared.add_business_time(s, d) for s, d in chunk], chunks))
    assert results == [expected[n::8] for n in range(8)]


def test_bad_arguments_to_queries() -> None:
    with pytest.raises(ValueError, match="naive"):
        FINLAND.business_time_between(datetime(2026, 1, 1), hki(2026, 1, 2))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        FINLAND.add_business_time(datetime(2026, 1, 1), timedelta(hours=1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        FINLAND.is_open(datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="negative"):
        FINLAND.add_business_time(hki(2026, 1, 1), timedelta(seconds=-1))
    with pytest.raises(TypeError):
        FINLAND.add_business_time(hki(2026, 1, 1), 3600)  # type: ignore[arg-type]
