"""Benchmark the SLA business-time engine (tuki.sla.calendar) against a naive day walk.

Run from the repository root:  .venv/bin/python bench/sla.py
Prints one JSON object.  The calendar is a Finnish office: Monday to Friday 08:00-16:00
in Europe/Helsinki with the Finnish public holidays of 2025-2028 (plus the de facto
closed Midsummer Eve and Christmas Eve).  Starts are random instants (to the
microsecond) over twelve months of 2026, targets come from {30 min, 1, 4, 8, 16, 40 h}.

* single_*: scalar calls with aware datetimes in and out, per second.
* vectorised_*: the numpy array API (int64 epoch microseconds in and out) on
  1,000,000 items, per second.
* naive_walk_*: the straightforward walk most help desks use (loop over local days,
  intersect each day's open hours with what is left, subtract until the target is
  used up), on a 20,000-item subset, scaled to per second.  Its wall-clock intervals
  are turned into instants one by one through UTC, so it agrees with the engine
  even over DST nights; the subset is checked item by item against the engine.

Times are the best of three runs (time.perf_counter); the index is warmed before
timing and its cold build time is reported separately.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuki.sla.calendar import Calendar, to_epoch_us  # noqa: E402  (needs the path above)

ZONE_NAME = "Europe/Helsinki"
HELSINKI = ZoneInfo(ZONE_NAME)
WEEKLY = {weekday: [("08:00", "16:00")] for weekday in range(5)}
TARGETS = [timedelta(minutes=minutes) for minutes in (30, 60, 240, 480, 960, 2400)]
SINGLE_CALLS = 200_000  # scalar calls timed per run
VECTOR_ITEMS = 1_000_000
NAIVE_ITEMS = 20_000
RUNS = 3
US = 1_000_000
ONE_US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TARGET_SINGLE = 300_000
TARGET_VECTORISED = 2_000_000
T = TypeVar("T")


# ----- the calendar --------------------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous 'Meeus/Jones/Butcher' algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741  (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def first_weekday_from(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def finnish_holidays(years: range) -> dict[date, str]:
    """Finnish public holidays plus the de facto closed Midsummer Eve and Christmas Eve."""
    result: dict[date, str] = {}
    for year in years:
        easter = easter_sunday(year)
        result.update(
            {
                date(year, 1, 1): "New Year's Day",
                date(year, 1, 6): "Epiphany",
                easter - timedelta(days=2): "Good Friday",
                easter + timedelta(days=1): "Easter Monday",
                date(year, 5, 1): "May Day",
                easter + timedelta(days=39): "Ascension Day",
                first_weekday_from(date(year, 6, 19), 4): "Midsummer Eve",
                first_weekday_from(date(year, 6, 20), 5): "Midsummer Day",
                first_weekday_from(date(year, 10, 31), 5): "All Saints' Day",
                date(year, 12, 6): "Independence Day",
                date(year, 12, 24): "Christmas Eve",
                date(year, 12, 25): "Christmas Day",
                date(year, 12, 26): "Boxing Day",
            }
        )
    return result


HOLIDAYS = finnish_holidays(range(2025, 2029))


# ----- the naive walk ------------------------------------------------------------------


def wall_instant(day: date, seconds: int) -> datetime:
    """The UTC instant of a wall-clock time (seconds after midnight, 86400 = the next midnight)."""
    local = datetime(day.year, day.month, day.day, tzinfo=HELSINKI) + timedelta(seconds=seconds)
    return local.astimezone(UTC)


def naive_open_intervals(day: date) -> list[tuple[datetime, datetime]]:
    """One local day's open hours as UTC instants (no DST care beyond converting each end)."""
    if day in HOLIDAYS:
        return []
    spans = []
    for opens, closes in WEEKLY.get(day.weekday(), []):
        open_hour, open_minute = map(int, opens.split(":"))
        close_hour, close_minute = map(int, closes.split(":"))
        spans.append(
            (
                wall_instant(day, open_hour * 3600 + open_minute * 60),
                wall_instant(day, close_hour * 3600 + close_minute * 60),
            )
        )
    return spans


def naive_add(start: datetime, delta: timedelta) -> datetime:
    """Walk forward day by day, using up ``delta`` in each day's open intervals."""
    moment = start.astimezone(UTC)
    if not delta:
        return moment.astimezone(HELSINKI)
    left = delta
    day = moment.astimezone(HELSINKI).date()
    while True:
        for opens, closes in naive_open_intervals(day):
            lo = max(opens, moment)
            if lo >= closes:
                continue
            available = closes - lo
            if available >= left:
                return (lo + left).astimezone(HELSINKI)
            left -= available
        day += timedelta(days=1)


def naive_between(start: datetime, end: datetime) -> timedelta:
    """Sum each local day's open intervals clipped to [start, end)."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    if last <= first:
        return total
    day = first.astimezone(HELSINKI).date()
    final = last.astimezone(HELSINKI).date()
    while day <= final:
        for opens, closes in naive_open_intervals(day):
            lo, hi = max(opens, first), min(closes, last)
            if lo < hi:
                total += hi - lo
        day += timedelta(days=1)
    return total


# ----- timing ----------------------------------------------------------------------------


def best_of(action: Callable[[], T], runs: int = RUNS) -> tuple[float, T]:
    """Best wall time of ``runs`` runs, and the last run's result."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def naive_add_array(starts_us: np.ndarray, deltas_us: np.ndarray) -> np.ndarray:
    """What the naive walk needs to answer the array API's question: convert, walk, convert back."""
    starts = [EPOCH + timedelta(microseconds=start) for start in starts_us.tolist()]
    deltas = [timedelta(microseconds=delta) for delta in deltas_us.tolist()]
    return to_epoch_us([naive_add(start, delta) for start, delta in zip(starts, deltas, strict=True)])


def main() -> None:
    rng = random.Random(2026)
    year_us = 365 * 86_400 * US
    base = datetime(2026, 1, 1, tzinfo=HELSINKI)
    base_us = int(to_epoch_us([base])[0])

    # The same population for every form: starts to the microsecond over 2026, targets from TARGETS.
    nprng = np.random.default_rng(2026)
    starts_us = base_us + nprng.integers(0, year_us, VECTOR_ITEMS, dtype=np.int64)
    target_us = np.array([target // ONE_US for target in TARGETS], dtype=np.int64)
    deltas_us = nprng.choice(target_us, VECTOR_ITEMS)
    ends_us = starts_us + nprng.integers(0, 30 * 86_400 * US, VECTOR_ITEMS, dtype=np.int64)

    # Cold: the per-day cache and the prefix-sum index (and its numpy copy) for the whole year.
    cold = Calendar(ZONE_NAME, WEEKLY, HOLIDAYS)
    started = time.perf_counter()
    cold.add_business_time_array([starts_us.min(), starts_us.max()], [target_us.max()] * 2)
    cold_index_build = time.perf_counter() - started
    calendar = Calendar(ZONE_NAME, WEEKLY, HOLIDAYS)
    started = time.perf_counter()
    calendar.add_business_time(base, TARGETS[0])  # first scalar call: a small index
    cold_first_call = time.perf_counter() - started
    # Warm: the index covers every start, end and deadline below.
    calendar.add_business_time_array(starts_us, deltas_us)
    calendar.business_time_between_array(starts_us, ends_us)

    # Scalar inputs: aware datetimes in the calendar's zone, as the Django glue passes them.
    single_starts = calendar.from_epoch_us(starts_us[:SINGLE_CALLS])
    single_ends = calendar.from_epoch_us(ends_us[:SINGLE_CALLS])
    single_deltas = [timedelta(microseconds=delta) for delta in deltas_us[:SINGLE_CALLS].tolist()]
    items = list(zip(single_starts, single_deltas, strict=True))
    pairs = list(zip(single_starts, single_ends, strict=True))
    add, between = calendar.add_business_time, calendar.business_time_between

    single_add, _ = best_of(lambda: [add(start, delta) for start, delta in items])
    single_between, _ = best_of(lambda: [between(start, end) for start, end in pairs])
    vector_add, _ = best_of(lambda: calendar.add_business_time_array(starts_us, deltas_us))
    vector_between, _ = best_of(lambda: calendar.business_time_between_array(starts_us, ends_us))
    many_add, _ = best_of(lambda: calendar.add_business_time_many(items), runs=1)
    to_us, _ = best_of(lambda: to_epoch_us(single_starts), runs=1)
    from_us, _ = best_of(lambda: calendar.from_epoch_us(starts_us[:SINGLE_CALLS]), runs=1)

    # The naive walk on a random subset of the same inputs; it must agree with the engine item by item.
    subset = np.array(rng.sample(range(SINGLE_CALLS), NAIVE_ITEMS))
    naive_items = [items[n] for n in subset]
    naive_pairs = [pairs[n] for n in subset]
    naive_single, naive_dues = best_of(lambda: [naive_add(start, delta) for start, delta in naive_items])
    naive_vector, naive_dues_us = best_of(lambda: naive_add_array(starts_us[subset], deltas_us[subset]))
    naive_between_time, naive_amounts = best_of(lambda: [naive_between(start, end) for start, end in naive_pairs])
    engine_dues_us = calendar.add_business_time_array(starts_us[subset], deltas_us[subset])
    assert naive_dues_us.tolist() == engine_dues_us.tolist(), "naive walk and engine disagree (array add)"
    assert [add(start, delta) for start, delta in naive_items] == naive_dues, "disagree (scalar add)"
    assert [between(start, end) for start, end in naive_pairs] == naive_amounts, "disagree (scalar between)"
    engine_amounts = calendar.business_time_between_array(starts_us[subset], ends_us[subset])
    assert [amount // ONE_US for amount in naive_amounts] == engine_amounts.tolist(), "disagree (array between)"

    single_per_second = SINGLE_CALLS / single_add
    vector_per_second = VECTOR_ITEMS / vector_add
    naive_single_per_second = NAIVE_ITEMS / naive_single
    naive_vector_per_second = NAIVE_ITEMS / naive_vector
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "cpu_count": os.cpu_count(),
                "cold_index_build_seconds": round(cold_index_build, 4),
                "cold_first_scalar_call_seconds": round(cold_first_call, 4),
                "single_add_per_second": round(single_per_second),
                "business_time_between_single_per_second": round(SINGLE_CALLS / single_between),
                "vectorised_deadlines_per_second": round(vector_per_second),
                "vectorised_between_per_second": round(VECTOR_ITEMS / vector_between),
                "vectorised_items": VECTOR_ITEMS,
                "add_business_time_many_per_second": round(SINGLE_CALLS / many_add),
                "to_epoch_us_per_second": round(SINGLE_CALLS / to_us),
                "from_epoch_us_per_second": round(SINGLE_CALLS / from_us),
                "naive_walk_single_per_second": round(naive_single_per_second),
                "naive_walk_vectorised_equivalent_per_second": round(naive_vector_per_second),
                "naive_walk_between_per_second": round(NAIVE_ITEMS / naive_between_time),
                "naive_walk_items": NAIVE_ITEMS,
                "single_speedup_vs_naive": round(single_per_second / naive_single_per_second, 1),
                "vectorised_speedup_vs_naive": round(vector_per_second / naive_vector_per_second, 1),
                "meets_targets": {
                    "single_add_per_second_300k": single_per_second >= TARGET_SINGLE,
                    "vectorised_deadlines_per_second_2m": vector_per_second >= TARGET_VECTORISED,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
