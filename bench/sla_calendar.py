"""Benchmark the SLA calendar engine on a Finnish 08-16 Mon-Fri calendar.

Run from the repository root:  python bench/sla_calendar.py
Prints one JSON object.  Scalar figures are calls per second; the vectorised figures
are seconds for the whole batch of 100,000 (what recomputing every open deadline after
a calendar change costs).
"""

from __future__ import annotations

import json
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuki.sla.calendar import Calendar  # noqa: E402  (needs the path above)

HELSINKI = ZoneInfo("Europe/Helsinki")
BATCH = 100_000
SCALAR_CALLS = 20_000
TARGETS = [timedelta(hours=hours) for hours in (1, 4, 8, 16, 40)]


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


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    rng = random.Random(2026)
    calendar = Calendar(
        "Europe/Helsinki", {d: [("08:00", "16:00")] for d in range(5)}, finnish_holidays(range(2025, 2029))
    )
    base = datetime(2026, 1, 1, tzinfo=HELSINKI)
    starts = [base + timedelta(microseconds=rng.randrange(365 * 86_400 * 10**6)) for _ in range(BATCH)]
    items = [(start, rng.choice(TARGETS)) for start in starts]
    pairs = [(start, start + timedelta(seconds=rng.randrange(30 * 86_400))) for start in starts]

    # Cold: the first query builds the per-day cache and prefix-sum index for the year.
    index_build = timed(lambda: calendar.add_business_time(base + timedelta(days=365), TARGETS[-1]))
    scalar_add = timed(lambda: [calendar.add_business_time(s, d) for s, d in items[:SCALAR_CALLS]])
    scalar_between = timed(lambda: [calendar.business_time_between(a, b) for a, b in pairs[:SCALAR_CALLS]])
    many_add = timed(lambda: calendar.add_business_time_many(items))
    many_between = timed(lambda: calendar.business_time_between_many(pairs))

    sample = items[:1000]
    assert calendar.add_business_time_many(sample) == [calendar.add_business_time(s, d) for s, d in sample]
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "index_build_seconds": round(index_build, 4),
                "scalar_add_business_time_per_second": round(SCALAR_CALLS / scalar_add),
                "scalar_business_time_between_per_second": round(SCALAR_CALLS / scalar_between),
                "vectorised_add_100k_deadlines_seconds": round(many_add, 4),
                "vectorised_between_100k_pairs_seconds": round(many_between, 4),
                "vectorised_add_per_second": round(BATCH / many_add),
                "vectorised_between_per_second": round(BATCH / many_between),
            }
        )
    )


if __name__ == "__main__":
    main()
