"""Business-hours arithmetic for SLA clocks: how much working time lies between
two instants, and when a given amount of working time runs out.

Standard library only (no Django, no project imports) so the engine can be tested
and benchmarked on its own.

Semantics (callers rely on these):

* An instant is *business time* when the office's wall clock, at that instant,
  shows a date and a time inside that date's open hours.  Business time is the
  real elapsed time of such instants.  So across a daylight-saving change real
  time counts: wall times that never occur (spring forward) are never open, wall
  times that occur twice (fall back) are open both times.  In Helsinki 02:00-05:00
  is 2 real hours on the spring night and 4 on the autumn night.  No fold or
  ambiguity choice is needed for interval ends.
* A date's open hours are its exception if it has one (``[]`` = closed), else none
  if it is a holiday, else the weekly hours of its weekday.  Exceptions beat
  holidays, so a holiday can be given special hours.
* Arithmetic is exact to the microsecond: instants are integer microseconds since
  the Unix epoch, and inputs are never rounded.
* Inputs may be aware datetimes in any zone (naive ones raise ValueError).  Results
  are in the calendar's zone with ``fold`` set, so a result in a repeated autumn
  hour is the right instant; but Python's ``==`` between such a datetime and one in
  another zone is always False (PEP 495), so compare those in UTC.
* add_business_time(start, 0) is start itself, open or not (see next_open).
* A search that would cross more than three years without working time (possible
  only through holidays/exceptions: weekly hours must not be empty) raises
  CalendarError.
* Instances are safe to share between threads.

Speed: each local date's open intervals are computed once as UTC microseconds
(cached by date ordinal); a sorted index of all intervals over a date range carries
prefix sums of business time, so both operations are a bisect.  The index grows on
demand, doubling.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import accumulate
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

US = 1_000_000  # microseconds per second
DAY_US = 86_400 * US
CLOSED_LIMIT_US = 3 * 366 * DAY_US  # longest closed stretch a search may cross
# UTC-offset sampling step; no real zone changes its offset twice within it.
SAMPLE_US = 3 * 3_600 * US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = EPOCH.date().toordinal()
CLOSED_KINDS = frozenset({"weekend", "holiday", "exception_closed", "closed"})
_CLOCK = re.compile(r"(\d\d):(\d\d)")

Hours = Sequence[tuple[str, str]]
Span = tuple[int, int]  # half-open [start, end)


class CalendarError(ValueError):
    """A calendar definition is invalid, or a search met years without working time.

    ``field`` names the offending constructor argument: "timezone", "weekly",
    "holidays" or "exceptions".
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class ExplainStep:
    """One day of a deadline, or a run of equally closed days ``day``..``last_day``."""

    day: date
    kind: str  # counted, weekend, holiday, exception_closed, exception_hours, closed
    business: timedelta  # business time counted on this day
    intervals: list[tuple[datetime, datetime]] = dataclass_field(default_factory=list)
    label: str = ""  # holiday name, when the caller gave one
    last_day: date | None = None


def _parse_clock(text: object, where: str, field: str) -> int:
    """'HH:MM' -> seconds after midnight; '24:00' is allowed (only ends may use it)."""
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(field, f"{where}: {text!r} is not an 'HH:MM' time")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise CalendarError(field, f"{where}: {text!r} is not a time of day")
    return hours * 3_600 + minutes * 60


def _parse_hours(hours: object, where: str, field: str) -> tuple[Span, ...]:
    """Validate one day's intervals; return them sorted, touching ones merged."""
    if isinstance(hours, str | bytes) or not isinstance(hours, Iterable):
        raise CalendarError(field, f"{where}: expected a list of (start, end) pairs, got {hours!r}")
    spans: list[Span] = []
    for pair in hours:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise CalendarError(field, f"{where}: expected a (start, end) pair, got {pair!r}")
        start, end = (
            _parse_clock(pair[0], where, field),
            _parse_clock(pair[1], where, field),
        )
        if end <= start:
            raise CalendarError(field, f"{where}: {pair[0]}-{pair[1]} does not end after it starts")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise CalendarError(field, f"{where}: intervals overlap")
    return tuple(_merge(spans))


def _merge(spans: list[Span]) -> list[Span]:
    """Join sorted, non-overlapping spans that touch, so lookups see one interval."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _check_date(value: object, field: str) -> date:
    # datetime is a subclass of date; a datetime key would silently never match.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise CalendarError(field, f"{value!r} is not a date")
    return value


def _to_us(moment: datetime) -> int:
    """Aware datetime -> integer microseconds since the epoch (exact)."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {moment!r}")
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware datetime")
    elapsed = moment - EPOCH
    return (elapsed.days * 86_400 + elapsed.seconds) * US + elapsed.microseconds


def _delta_us(delta: timedelta) -> int:
    if not isinstance(delta, timedelta):
        raise TypeError(f"expected a timedelta, got {delta!r}")
    if delta < timedelta(0):
        raise ValueError(f"negative business time {delta!r}")
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


class Calendar:
    """Working hours in one time zone, with holidays and per-date exceptions."""

    def __init__(
        self,
        timezone: str | tzinfo,
        weekly: Mapping[int, Hours],
        holidays: Iterable[date] | Mapping[date, str] = (),
        exceptions: Mapping[date, Hours] | None = None,
    ) -> None:
        if isinstance(timezone, tzinfo):
            self.zone: tzinfo = timezone
        else:
            try:
                self.zone = ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError, TypeError):
                raise CalendarError("timezone", f"unknown time zone {timezone!r}") from None
        if not isinstance(weekly, Mapping):
            raise CalendarError("weekly", "expected a mapping of weekday (Monday = 0) to hours")
        self._weekly: list[tuple[Span, ...]] = [() for _ in range(7)]
        for weekday, hours in weekly.items():
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise CalendarError("weekly", f"weekday {weekday!r} is not 0 (Monday) .. 6 (Sunday)")
            self._weekly[weekday] = _parse_hours(hours, f"weekday {weekday}", "weekly")
        if not any(self._weekly):
            raise CalendarError("weekly", "no working time at all: every weekday is closed")
        holidays = holidays or ()
        named = holidays.items() if isinstance(holidays, Mapping) else ((day, "") for day in holidays)
        self._holidays = {_check_date(day, "holidays"): str(name) for day, name in named}
        if not isinstance(exceptions or {}, Mapping):
            raise CalendarError("exceptions", "expected a mapping of date to hours")
        self._exceptions = {
            _check_date(day, "exceptions"): _parse_hours(hours, f"exception {day}", "exceptions")
            for day, hours in (exceptions or {}).items()
        }
        self._day_cache: dict[int, tuple[Span, ...]] = {}
        # Calendars are meant to be shared (e.g. cached per agreement) across threads;
        # the lock keeps a growing index from being read half-rebuilt.
        self._lock = threading.Lock()
        # The index: every open interval of local dates [_lo, _hi), sorted, with
        # prefix sums.
        self._lo = self._hi = 0
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._cum: list[int] = [0]  # _cum[k] = business time of the first k intervals

    # ----- public API ---------------------------------------------------------

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); zero when end <= start."""
        return self.business_time_between_many([(start, end)])[0]

    def add_business_time(self, start: datetime, delta: timedelta) -> datetime:
        """The earliest t >= start with business_time_between(start, t) == delta.

        So delta == 0 gives start itself (even when closed: use next_open for that),
        and a deadline that runs out at closing time is that closing time, not the
        next opening.
        """
        return self.add_business_time_many([(start, delta)])[0]

    def business_time_between_many(self, pairs: Iterable[tuple[datetime, datetime]]) -> list[timedelta]:
        """business_time_between for many pairs, sharing one index lookup setup."""
        spans = [(_to_us(start), _to_us(end)) for start, end in pairs]
        live = [(start, end) for start, end in spans if end > start]
        with self._lock:
            if live:
                self._ensure(min(start for start, _ in live), max(end for _, end in live))
            before = self._before
            return [
                timedelta(microseconds=before(end) - before(start)) if end > start else timedelta(0)
                for start, end in spans
            ]

    def add_business_time_many(self, items: Iterable[tuple[datetime, timedelta]]) -> list[datetime]:
        """add_business_time for many (start, delta) items, sharing one setup."""
        work = [(_to_us(start), _delta_us(delta)) for start, delta in items]
        if not work:
            return []
        with self._lock:
            self._ensure(min(start for start, _ in work), max(start for start, _ in work))
            targets = [self._before(start) + delta for start, delta in work]
            furthest = max(range(len(work)), key=targets.__getitem__)
            # _reach only grows the index forward, so the targets stay valid.
            self._reach(work[furthest][0], targets[furthest])
            starts, cum = self._starts, self._cum
            dues = []
            for (start, delta), target in zip(work, targets, strict=True):
                if delta == 0:
                    dues.append(start)
                    continue
                k = bisect_left(cum, target) - 1  # the interval meeting the target
                dues.append(starts[k] + target - cum[k])
                if dues[-1] - start > CLOSED_LIMIT_US:
                    self._refuse_long_closure(start, dues[-1])
        return [self._to_local(due) for due in dues]

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` is business time."""
        moment = _to_us(at)
        with self._lock:
            self._ensure(moment, moment)
            k = bisect_right(self._starts, moment) - 1
            return k >= 0 and moment < self._ends[k]

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the next opening (in the calendar's zone)."""
        moment = _to_us(at)
        with self._lock:
            self._ensure(moment, moment)
            while True:
                k = bisect_right(self._starts, moment)
                if k and moment < self._ends[k - 1]:
                    return self._to_local(moment)
                if k < len(self._starts) and self._starts[k] < self._safe_end():
                    self._refuse_long_closure(moment, self._starts[k])
                    return self._to_local(self._starts[k])
                self._grow(moment)

    def explain_add(self, start: datetime, delta: timedelta) -> list[ExplainStep]:
        """Day by day account of add_business_time(start, delta), for humans.

        Days that count time are "counted" (or "exception_hours"); a working day
        that counts nothing (start after closing) is "closed"; consecutive closed
        days of the same kind and label are merged into one step running from
        ``day`` to ``last_day``.
        """
        first, last = _to_us(start), _to_us(self.add_business_time(start, delta))
        if last == first:
            return []
        steps: list[ExplainStep] = []
        first_day = self._to_local(first).date().toordinal()
        # One day before the start only matters in zones that fall back across midnight.
        for ordinal in range(first_day - 1, self._to_local(last - 1).date().toordinal() + 1):
            day = date.fromordinal(ordinal)
            kind, label, _ = self._day_rule(day)
            slices = [
                (max(lo, first), min(hi, last)) for lo, hi in self._day_spans(ordinal) if lo < last and hi > first
            ]
            business = sum(hi - lo for lo, hi in slices)
            if ordinal < first_day and not business:
                continue
            if kind == "counted" and not business:
                kind = "closed"
            previous = steps[-1] if steps else None
            if kind in CLOSED_KINDS and previous and (previous.kind, previous.label) == (kind, label):
                steps[-1] = replace(previous, last_day=day)
                continue
            local = [(self._to_local(lo), self._to_local(hi)) for lo, hi in slices]
            steps.append(ExplainStep(day, kind, timedelta(microseconds=business), local, label))
        return steps

    # ----- per-date open intervals --------------------------------------------

    def _day_rule(self, day: date) -> tuple[str, str, tuple[Span, ...]]:
        """(kind, label, wall-clock hours) of a date: exception > holiday > week."""
        label = self._holidays.get(day, "")
        if day in self._exceptions:
            hours = self._exceptions[day]
            return ("exception_hours" if hours else "exception_closed"), label, hours
        if day in self._holidays:
            return "holiday", label, ()
        hours = self._weekly[day.weekday()]
        return ("counted" if hours else "weekend"), "", hours

    def _day_spans(self, ordinal: int) -> tuple[Span, ...]:
        """The UTC instants (µs) whose wall clock shows an open time of this date."""
        cached = self._day_cache.get(ordinal)
        if cached is not None:
            return cached
        hours = self._day_rule(date.fromordinal(ordinal))[2]
        # The date's local midnight read as if it were UTC.
        midnight = (ordinal - EPOCH_ORDINAL) * DAY_US
        spans = []
        # Zone offsets stay within a day, so the date's instants lie in this window.
        for seg_start, seg_end, offset in self._offset_segments(midnight - DAY_US, midnight + 2 * DAY_US):
            for open_s, close_s in hours:
                lo = max(seg_start, midnight + open_s * US - offset)
                hi = min(seg_end, midnight + close_s * US - offset)
                if lo < hi:
                    spans.append((lo, hi))
        self._day_cache[ordinal] = result = tuple(_merge(sorted(spans)))
        return result

    def _offset_at(self, moment: int) -> int:
        offset = datetime.fromtimestamp(moment // US, self.zone).utcoffset()
        if offset is None:
            raise CalendarError("timezone", f"{self.zone!r} gives no UTC offset")
        return (offset.days * 86_400 + offset.seconds) * US + offset.microseconds

    def _offset_segments(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """Split [start, end) into (start, end, utc_offset) pieces of constant offset.

        zoneinfo does not publish its transitions, so sample the offset every few
        hours and bisect (on whole seconds, as tz transitions are) where it changes.
        """
        segments = []
        seg_start, offset = start, self._offset_at(start)
        known = start  # the latest instant known to have ``offset``
        while known < end - 1:
            probe = min(known + SAMPLE_US, end - 1)
            if self._offset_at(probe) == offset:
                known = probe
                continue
            same, changed = known // US, probe // US
            while changed - same > 1:
                middle = (same + changed) // 2
                if self._offset_at(middle * US) == offset:
                    same = middle
                else:
                    changed = middle
            segments.append((seg_start, changed * US, offset))
            seg_start = known = changed * US
            offset = self._offset_at(seg_start)
        segments.append((seg_start, end, offset))
        return segments

    # ----- the prefix-sum index -----------------------------------------------

    def _safe_end(self) -> int:
        """Instants before this are complete in the index (local date < _hi)."""
        return (self._hi - 1 - EPOCH_ORDINAL) * DAY_US

    def _ensure(self, first: int, last: int) -> None:
        """Make the index complete for every instant in [first, last]."""
        # An instant's local date is within one day of its UTC date.
        need_lo = first // DAY_US + EPOCH_ORDINAL - 1
        need_hi = last // DAY_US + EPOCH_ORDINAL + 2
        if self._lo < self._hi and self._lo <= need_lo and need_hi <= self._hi:
            return
        if self._lo == self._hi:  # empty: start with some slack either side
            lo, hi = need_lo - 31, need_hi + 62
        else:  # double the covered range in the direction needed, to amortise rebuilds
            span = self._hi - self._lo
            lo = self._lo if need_lo >= self._lo else min(need_lo, self._lo - span)
            hi = self._hi if need_hi <= self._hi else max(need_hi, self._hi + span)
        spans = sorted(span for ordinal in range(lo, hi) for span in self._day_spans(ordinal))
        self._starts = [start for start, _ in spans]
        self._ends = [end for _, end in spans]
        self._cum = [0, *accumulate(end - start for start, end in spans)]
        self._lo, self._hi = lo, hi

    def _grow(self, moment: int) -> None:
        """Extend the index forward (never backward: prefix sums keep their values)."""
        self._refuse_long_closure(moment, self._safe_end())
        self._ensure(moment, self._safe_end() + (self._hi - self._lo) * DAY_US)

    def _before(self, moment: int) -> int:
        """Business time from the index start up to ``moment`` (must be covered)."""
        k = bisect_right(self._starts, moment) - 1
        if k < 0:
            return 0
        return self._cum[k] + min(moment, self._ends[k]) - self._starts[k]

    def _reach(self, start: int, target: int) -> None:
        """Grow the index until prefix sum ``target`` is met in the covered range."""
        while self._before(self._safe_end()) < target:
            self._grow(start)

    def _refuse_long_closure(self, start: int, until: int) -> None:
        """Raise if [start, until) holds a closed stretch longer than three years.

        Weekly hours guarantee working time eventually, but a search must not
        wander decades through closed exceptions: every answer stays a bounded walk.
        """
        if until - start <= CLOSED_LIMIT_US:
            return
        open_until, reopens = start, until
        for k in range(bisect_right(self._ends, start), len(self._starts)):
            if self._starts[k] >= until:
                break
            if self._starts[k] - open_until > CLOSED_LIMIT_US:
                reopens = self._starts[k]
                break
            open_until = max(open_until, self._ends[k])
        if reopens - open_until > CLOSED_LIMIT_US:
            raise CalendarError(
                "exceptions",
                "no working time for over 3 years after "
                f"{self._to_local(open_until).isoformat()} "
                "(holidays and exceptions close every day)",
            )

    def _to_local(self, moment: int) -> datetime:
        # Whole seconds keep fromtimestamp exact; microseconds go back on after.
        seconds, micro = divmod(moment, US)
        local = datetime.fromtimestamp(seconds, self.zone)
        return local.replace(microsecond=micro) if micro else local
