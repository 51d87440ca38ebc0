"""Business-hours arithmetic for SLA clocks: how much working time lies between
two instants, and when a given amount of working time runs out.

Standard library and numpy only (no Django, no project imports) so the engine can be
tested and benchmarked on its own. numpy is imported on first use of the array API: a web
process only ever asks one question at a time, and numpy would add about 20 MB to each.

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
demand, doubling.  It is an immutable snapshot swapped in whole, so queries inside
the covered range take no lock; only a rebuild does.

Array API, for recomputing many deadlines at once: ``add_business_time_array`` and
``business_time_between_array`` take and return int64 numpy arrays of microseconds
since the Unix epoch (UTC) and run np.searchsorted on a numpy copy of the index.
``to_epoch_us(datetimes)`` and ``Calendar.from_epoch_us(array)`` (or the module's
``from_epoch_us(array, zone)``) convert; the ``*_many`` list methods go through them.
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
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # numpy itself is imported where the array API runs (see the module's docstring)
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

US = 1_000_000  # microseconds per second
DAY_US = 86_400 * US
CLOSED_LIMIT_US = 3 * 366 * DAY_US  # longest closed stretch a search may cross
# UTC-offset sampling step; no real zone changes its offset twice within it.
SAMPLE_US = 3 * 3_600 * US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = EPOCH.date().toordinal()
ZERO = timedelta(0)
ONE_US = timedelta(microseconds=1)
# Below 2**32 s a double holds epoch seconds to within 0.24 µs, so fromtimestamp(us / US),
# which rounds to the nearest microsecond, is exact (checked in the tests).
FLOAT_EXACT_US = 2**32 * US
MAX_DELTA_US = 2**61  # over 70,000 years
SENTINEL_US = -(2**62)  # before every datetime (year 1 is about -6.2e16 µs)
CLOSED_KINDS = frozenset({"weekend", "holiday", "exception_closed", "closed"})
_CLOCK = re.compile(r"(\d\d):(\d\d)")

Hours = Sequence[tuple[str, str]]
Span = tuple[int, int]  # half-open [start, end)


class _Index(NamedTuple):
    """An immutable snapshot of the prefix-sum index (swapped in whole, read lock-free).

    Every open interval of local dates [lo, hi), sorted; ``cum[k]`` is the business
    time of the first k intervals.  Instants in [cover_from, safe_end) are complete:
    every interval around them is present.  ``reach`` is the prefix sum at safe_end,
    the most business time a search may count in this snapshot.
    """

    lo: int
    hi: int
    cover_from: int
    safe_end: int
    starts: list[int]
    ends: list[int]
    cum: list[int]
    reach: int


_EMPTY_INDEX = _Index(0, 0, 2**62, -(2**62), [], [], [0], 0)
# (snapshot, bounds, offsets, stops, cum, due_offsets): see Calendar._arrays_for
_Arrays = tuple[
    _Index, "NDArray[np.int64]", "NDArray[np.int64]", "NDArray[np.int64]", "NDArray[np.int64]", "NDArray[np.int64]"
]


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


def _fast_us(moment: datetime) -> int:
    """_to_us, quicker for plain aware datetimes (the usual case)."""
    if type(moment) is datetime:  # subclasses take the checked path
        try:
            elapsed = moment - EPOCH
        except TypeError:  # naive
            pass
        else:
            return (elapsed.days * 86_400 + elapsed.seconds) * US + elapsed.microseconds
    return _to_us(moment)


def _delta_us(delta: timedelta) -> int:
    if not isinstance(delta, timedelta):
        raise TypeError(f"expected a timedelta, got {delta!r}")
    if delta < ZERO:
        raise ValueError(f"negative business time {delta!r}")
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def to_epoch_us(moments: Iterable[datetime]) -> NDArray[np.int64]:
    """Aware datetimes (any zones) -> int64 array of microseconds since the Unix epoch.

    Exact; a naive datetime raises ValueError, anything else TypeError.
    """
    if not isinstance(moments, Sequence):
        moments = list(moments)
    import numpy as np

    return np.fromiter(map(_fast_us, moments), dtype=np.int64, count=len(moments))


def from_epoch_us(moments_us: ArrayLike, zone: tzinfo) -> list[datetime]:
    """Epoch microseconds -> aware datetimes in ``zone`` (fold set in repeated hours).

    A multidimensional array is flattened (C order).
    """
    import numpy as np

    values = np.asarray(moments_us)
    if values.dtype.kind not in "iu":
        raise TypeError(f"expected an integer array of epoch microseconds, got dtype {values.dtype}")
    if values.size == 0:
        return []
    values = values.ravel()
    if int(values.min()) >= 0 and int(values.max()) < FLOAT_EXACT_US:
        fromtimestamp = datetime.fromtimestamp
        return [fromtimestamp(seconds, zone) for seconds in (values / US).tolist()]
    result = []
    for moment in values.tolist():
        seconds, micro = divmod(moment, US)
        local = datetime.fromtimestamp(seconds, zone)
        result.append(local.replace(microsecond=micro) if micro else local)
    return result


def _us_arrays(first: ArrayLike, second: ArrayLike, name: str) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Two same-shaped int64 arrays of microseconds, or ValueError/TypeError."""
    arrays = []
    import numpy as np

    for value in (first, second):
        array = np.asarray(value)
        if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
            raise TypeError(f"expected integer microseconds, got dtype {array.dtype}")
        arrays.append(array.astype(np.int64, copy=False))
    if arrays[0].shape != arrays[1].shape:
        raise ValueError(f"{name} has shape {arrays[1].shape}, starts_us has {arrays[0].shape}")
    return arrays[0], arrays[1]


def _before(starts: list[int], ends: list[int], cum: list[int], moment: int) -> int:
    """Business time from an index's first interval up to ``moment`` (must be covered)."""
    k = bisect_right(starts, moment) - 1
    if k < 0:
        return 0
    return cum[k] + min(moment, ends[k]) - starts[k]


def _before_array(arrays: _Arrays, moments: NDArray[np.int64]) -> NDArray[np.int64]:
    """_before for an array of (covered) instants."""
    _, bounds, offsets, stops, _, _ = arrays
    import numpy as np

    k = np.searchsorted(bounds, moments, side="right")
    return offsets[k] + np.minimum(moments, stops[k])


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
        # Calendars are meant to be shared (e.g. cached per agreement) across threads.
        # The index is an immutable snapshot swapped in whole, so readers never take
        # the lock; the lock only serialises rebuilds.
        self._lock = threading.Lock()
        self._index = _EMPTY_INDEX
        self._arrays: _Arrays | None = None  # numpy copy of one index snapshot

    # ----- public API ---------------------------------------------------------

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); zero when end <= start."""
        # Fast path: plain aware datetimes inside the current index, no lock taken.
        if type(start) is datetime and type(end) is datetime:  # subclasses take the general path
            try:
                first, last = start - EPOCH, end - EPOCH
            except TypeError:  # naive: the general path raises the right error
                pass
            else:
                lo = (first.days * 86_400 + first.seconds) * US + first.microseconds
                hi = (last.days * 86_400 + last.seconds) * US + last.microseconds
                if hi <= lo:
                    return ZERO
                _, _, cover_from, safe_end, starts, ends, cum, _ = self._index
                if cover_from <= lo and hi < safe_end:
                    k = bisect_right(starts, lo) - 1
                    if k >= 0:
                        stop = ends[k]
                        lo = cum[k] + (lo if lo < stop else stop) - starts[k]
                    else:
                        lo = 0
                    k = bisect_right(starts, hi) - 1
                    if k >= 0:
                        stop = ends[k]
                        hi = cum[k] + (hi if hi < stop else stop) - starts[k]
                    else:
                        hi = 0
                    return ONE_US * (hi - lo)
        lo, hi = _to_us(start), _to_us(end)
        if hi <= lo:
            return ZERO
        index = self._covering(lo, hi)
        return ONE_US * (
            _before(index.starts, index.ends, index.cum, hi) - _before(index.starts, index.ends, index.cum, lo)
        )

    def add_business_time(self, start: datetime, delta: timedelta) -> datetime:
        """The earliest t >= start with business_time_between(start, t) == delta.

        So delta == 0 gives start itself (even when closed: use next_open for that),
        and a deadline that runs out at closing time is that closing time, not the
        next opening.
        """
        # Fast path: plain aware datetimes inside the current index, no lock taken.
        if type(start) is datetime and type(delta) is timedelta:  # subclasses take the general path
            try:
                elapsed = start - EPOCH
            except TypeError:  # naive: the general path raises the right error
                pass
            else:
                moment = (elapsed.days * 86_400 + elapsed.seconds) * US + elapsed.microseconds
                amount = (delta.days * 86_400 + delta.seconds) * US + delta.microseconds
                _, _, cover_from, safe_end, starts, ends, cum, reach = self._index
                if amount > 0 and cover_from <= moment < safe_end:
                    k = bisect_right(starts, moment) - 1
                    if k >= 0:
                        stop = ends[k]
                        target = cum[k] + (moment if moment < stop else stop) - starts[k] + amount
                    else:
                        target = amount
                    if target <= reach:
                        k = bisect_left(cum, target, k + 1) - 1  # the interval meeting the target
                        due = starts[k] + target - cum[k]
                        if due - moment <= CLOSED_LIMIT_US:
                            if 0 <= due < FLOAT_EXACT_US:
                                return datetime.fromtimestamp(due / US, self.zone)
                            return self._to_local(due)
                elif amount == 0:
                    return self._to_local(moment)
        return self._to_local(self._add(_to_us(start), _delta_us(delta)))

    def business_time_between_many(self, pairs: Iterable[tuple[datetime, datetime]]) -> list[timedelta]:
        """business_time_between for many pairs (computed by business_time_between_array)."""
        pairs = list(pairs)
        starts = to_epoch_us([start for start, _ in pairs])
        ends = to_epoch_us([end for _, end in pairs])
        return [ONE_US * amount for amount in self.business_time_between_array(starts, ends).tolist()]

    def add_business_time_many(self, items: Iterable[tuple[datetime, timedelta]]) -> list[datetime]:
        """add_business_time for many (start, delta) items (computed by add_business_time_array)."""
        items = list(items)
        starts = to_epoch_us([start for start, _ in items])
        import numpy as np

        deltas = np.fromiter((_delta_us(delta) for _, delta in items), dtype=np.int64, count=len(items))
        return self.from_epoch_us(self.add_business_time_array(starts, deltas))

    def business_time_between_array(self, starts_us: ArrayLike, ends_us: ArrayLike) -> NDArray[np.int64]:
        """business_time_between on int64 arrays of epoch microseconds (UTC).

        ``starts_us`` and ``ends_us`` must have the same shape; the result has that
        shape and holds business time in microseconds (0 where end <= start).
        """
        starts, ends = _us_arrays(starts_us, ends_us, "ends_us")
        import numpy as np

        live = ends > starts
        if not live.any():
            return np.zeros(starts.shape, dtype=np.int64)
        if live.all():
            arrays = self._arrays_for(self._covering(int(starts.min()), int(ends.max())))
            return np.asarray(_before_array(arrays, ends) - _before_array(arrays, starts))
        # Pairs with end <= start count nothing and must not stretch the index.
        starts, ends = starts[live], ends[live]
        arrays = self._arrays_for(self._covering(int(starts.min()), int(ends.max())))
        result = np.zeros(live.shape, dtype=np.int64)
        result[live] = _before_array(arrays, ends) - _before_array(arrays, starts)
        return result

    def add_business_time_array(self, starts_us: ArrayLike, deltas_us: ArrayLike) -> NDArray[np.int64]:
        """add_business_time on int64 arrays of epoch microseconds (UTC).

        ``deltas_us`` is business time in microseconds (>= 0, else ValueError), with the
        shape of ``starts_us``; returns the deadlines as epoch microseconds, that shape.
        """
        starts, deltas = _us_arrays(starts_us, deltas_us, "deltas_us")
        import numpy as np

        if starts.size == 0:
            return starts.copy()
        if deltas.min() < 0:
            raise ValueError("negative business time in deltas_us")
        if deltas.max() > MAX_DELTA_US:  # would overflow int64 below; no date holds it anyway
            raise ValueError("business time in deltas_us is beyond the datetime range")
        first, last = int(starts.min()), int(starts.max())
        index = self._covering(first, last)
        while True:
            arrays = self._arrays_for(index)
            targets = _before_array(arrays, starts) + deltas
            furthest = int(targets.argmax())
            if int(targets.flat[furthest]) <= index.reach:
                break
            # Every target moves by the same amount when the index start moves, so the
            # furthest item stays the furthest: reach for it, then recompute.
            index = self._reaching(int(starts.flat[furthest]), int(deltas.flat[furthest]))
            index = self._covering(first, last, index)
        _, _, _, _, cum, due_offsets = arrays
        k = np.searchsorted(cum, targets, side="left")  # 1 + the interval meeting the target
        dues = targets - due_offsets[k]
        dues = np.asarray(np.where(deltas == 0, starts, dues))
        far = dues - starts > CLOSED_LIMIT_US
        if far.any():
            for moment, due in set(zip(starts[far].tolist(), dues[far].tolist(), strict=True)):
                self._refuse_long_closure(moment, due, index)
        return dues

    def _add(self, moment: int, amount: int) -> int:
        """add_business_time on epoch microseconds, one at a time (the array form's steps without arrays)."""
        if amount == 0:
            return moment
        if amount > MAX_DELTA_US:
            raise ValueError("business time beyond the datetime range")
        index = self._covering(moment, moment)
        target = _before(index.starts, index.ends, index.cum, moment) + amount
        if target > index.reach:
            index = self._covering(moment, moment, self._reaching(moment, amount))
            target = _before(index.starts, index.ends, index.cum, moment) + amount
        k = bisect_left(index.cum, target) - 1  # the interval meeting the target
        due = index.starts[k] + target - index.cum[k]
        if due - moment > CLOSED_LIMIT_US:
            self._refuse_long_closure(moment, due, index)
        return due

    def from_epoch_us(self, moments_us: ArrayLike) -> list[datetime]:
        """Epoch microseconds (UTC) -> aware datetimes in the calendar's zone (fold set)."""
        return from_epoch_us(moments_us, self.zone)

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` is business time."""
        moment = _to_us(at)
        index = self._covering(moment, moment)
        k = bisect_right(index.starts, moment) - 1
        return k >= 0 and moment < index.ends[k]

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the next opening (in the calendar's zone)."""
        moment = _to_us(at)
        index = self._covering(moment, moment)
        while True:
            starts = index.starts
            k = bisect_right(starts, moment)
            if k and moment < index.ends[k - 1]:
                return self._to_local(moment)
            if k < len(starts) and starts[k] < index.safe_end:
                self._refuse_long_closure(moment, starts[k], index)
                return self._to_local(starts[k])
            index = self._grow(moment, index)

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

    def _covering(self, first: int, last: int, index: _Index | None = None) -> _Index:
        """An index snapshot complete for every instant in [first, last].

        ``index`` (a snapshot the caller already holds) is returned when it covers;
        else the current one, grown (doubling) under the lock when needed.
        """
        if index is None:
            index = self._index
        if index.cover_from <= first and last < index.safe_end:
            return index
        with self._lock:
            index = self._index
            if index.cover_from <= first and last < index.safe_end:
                return index
            # An instant's local date is within one day of its UTC date.
            need_lo = first // DAY_US + EPOCH_ORDINAL - 1
            need_hi = last // DAY_US + EPOCH_ORDINAL + 2
            if index.lo == index.hi:  # empty: start with some slack either side
                lo, hi = need_lo - 31, need_hi + 62
            else:  # double the covered range in the direction needed, to amortise rebuilds
                span = index.hi - index.lo
                lo = index.lo if need_lo >= index.lo else min(need_lo, index.lo - span)
                hi = index.hi if need_hi <= index.hi else max(need_hi, index.hi + span)
            self._index = index = self._build(lo, hi)
            return index

    def _build(self, lo: int, hi: int) -> _Index:
        """The index of every open interval of local dates [lo, hi), with prefix sums."""
        spans = sorted(span for ordinal in range(lo, hi) for span in self._day_spans(ordinal))
        starts = [start for start, _ in spans]
        ends = [end for _, end in spans]
        cum = [0, *accumulate(end - start for start, end in spans)]  # cum[k]: the first k intervals
        safe_end = (hi - 1 - EPOCH_ORDINAL) * DAY_US  # instants before this are complete
        cover_from = (lo + 1 - EPOCH_ORDINAL) * DAY_US  # ... and so are instants from this on
        reach = _before(starts, ends, cum, safe_end)
        return _Index(lo, hi, cover_from, safe_end, starts, ends, cum, reach)

    def _grow(self, moment: int, seen: _Index) -> _Index:
        """Extend the index forward from snapshot ``seen`` (which covers ``moment``)."""
        index = self._index
        if index.safe_end > seen.safe_end and index.cover_from <= moment:
            return index  # another thread grew it meanwhile
        self._refuse_long_closure(moment, seen.safe_end, seen)
        # Forward only is not needed for correctness (callers recompute from the
        # snapshot they get), but it is all a search ahead needs.
        return self._covering(moment, seen.safe_end + (seen.hi - seen.lo) * DAY_US)

    def _reaching(self, start: int, amount: int) -> _Index:
        """A snapshot covering ``start`` whose complete part holds ``amount`` business time after it."""
        index = self._covering(start, start)
        while _before(index.starts, index.ends, index.cum, start) + amount > index.reach:
            index = self._grow(start, index)
        return index

    def _arrays_for(self, index: _Index) -> _Arrays:
        """numpy copies of ``index`` for the array API (cached for the latest snapshot)."""
        cached = self._arrays
        if cached is not None and cached[0] is index:
            return cached
        import numpy as np

        starts = np.array(index.starts, dtype=np.int64)
        ends = np.array(index.ends, dtype=np.int64)
        cum = np.array(index.cum, dtype=np.int64)
        # searchsorted(bounds, t, "right") is 1 + the last interval starting at or before t,
        # counting a sentinel interval [SENTINEL, SENTINEL) in front, so it is >= 1 and
        # gathers need no "- 1": entry j of the gathered arrays is for interval j - 1.
        bounds = np.concatenate(([SENTINEL_US], starts))
        offsets = np.concatenate(([0, -SENTINEL_US], cum[:-1] - starts))  # before(t) = offset + min(t, end)
        stops = np.concatenate(([0, SENTINEL_US], ends))
        due_offsets = np.concatenate(([0], cum[:-1] - starts))  # due = target - due_offsets[k]
        self._arrays = arrays = (index, bounds, offsets, stops, cum, due_offsets)
        return arrays

    def _refuse_long_closure(self, start: int, until: int, index: _Index) -> None:
        """Raise if [start, until) holds a closed stretch longer than three years.

        Weekly hours guarantee working time eventually, but a search must not
        wander decades through closed exceptions: every answer stays a bounded walk.
        """
        if until - start <= CLOSED_LIMIT_US:
            return
        starts, ends = index.starts, index.ends
        open_until, reopens = start, until
        for k in range(bisect_right(ends, start), len(starts)):
            if starts[k] >= until:
                break
            if starts[k] - open_until > CLOSED_LIMIT_US:
                reopens = starts[k]
                break
            open_until = max(open_until, ends[k])
        if reopens - open_until > CLOSED_LIMIT_US:
            raise CalendarError(
                "exceptions",
                "no working time for over 3 years after "
                f"{self._to_local(open_until).isoformat()} "
                "(holidays and exceptions close every day)",
            )

    def _to_local(self, moment: int) -> datetime:
        if 0 <= moment < FLOAT_EXACT_US:
            return datetime.fromtimestamp(moment / US, self.zone)
        # Whole seconds keep fromtimestamp exact; microseconds go back on after.
        seconds, micro = divmod(moment, US)
        local = datetime.fromtimestamp(seconds, self.zone)
        return local.replace(microsecond=micro) if micro else local
