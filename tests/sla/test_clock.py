"""SLA clocks with pauses, checked against a walk over every minute."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tuki.sla.calendar import Calendar
from tuki.sla.clock import Clock, Pause, PauseStep, SlaState

HKI = ZoneInfo("Europe/Helsinki")
WORKWEEK = {d: [("08:00", "16:00")] for d in range(5)}
HOLIDAYS = {date(2026, 12, 24): "Christmas Eve", date(2026, 12, 25): "Christmas Day", date(2026, 12, 7): "Test Day"}
OFFICE = Calendar("Europe/Helsinki", WORKWEEK, HOLIDAYS)
ALWAYS = Calendar("Europe/Helsinki", {d: [("00:00", "24:00")] for d in range(7)})
MINUTE = timedelta(minutes=1)


def hki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HKI)  # type: ignore[misc]


def oracle_elapsed(calendar: Calendar, start: datetime, pauses: list[Pause], at: datetime) -> timedelta:
    """Minute by minute: open, and not inside any pause."""
    minutes = 0
    # Walk in UTC: adding minutes to a Helsinki datetime would walk the wall clock through DST gaps.
    moment, at = start.astimezone(UTC), at.astimezone(UTC)
    while moment < at:
        paused = any(p.started_at <= moment and (p.ended_at is None or moment < p.ended_at) for p in pauses)
        if not paused and calendar.is_open(moment):
            minutes += 1
        moment += MINUTE
    return timedelta(minutes=minutes)


@st.composite
def clocks(draw: st.DrawFn) -> tuple[Calendar, datetime, list[Pause], timedelta]:
    calendar = draw(st.sampled_from([OFFICE, ALWAYS]))
    # Around both DST changes and a week with a holiday.
    origin = draw(st.sampled_from([hki(2026, 3, 26, 7), hki(2026, 10, 22, 7), hki(2026, 12, 3, 15)]))
    start = origin + timedelta(minutes=draw(st.integers(0, 600)))
    marks = sorted(draw(st.lists(st.integers(1, 8 * 24 * 60), max_size=6, unique=True)))
    pauses = []
    for index in range(0, len(marks), 2):
        began = start + timedelta(minutes=marks[index])
        ended = start + timedelta(minutes=marks[index + 1]) if index + 1 < len(marks) else None
        pauses.append(Pause(began, ended))
    target = timedelta(minutes=draw(st.integers(0, 30 * 60)))
    return calendar, start, pauses, target


@settings(max_examples=60, deadline=None)
@given(case=clocks(), probe=st.integers(0, 9 * 24 * 60))
def test_elapsed_matches_a_minute_walk(case: tuple[Calendar, datetime, list[Pause], timedelta], probe: int) -> None:
    calendar, start, pauses, target = case
    at = start + timedelta(minutes=probe)
    clock = Clock(calendar, start, target, pauses)
    assert clock.elapsed(at) == oracle_elapsed(calendar, start, pauses, at)


@settings(max_examples=60, deadline=None)
@given(case=clocks())
def test_deadline_is_where_the_walk_reaches_the_target(case: tuple[Calendar, datetime, list[Pause], timedelta]) -> None:
    calendar, start, pauses, target = case
    clock = Clock(calendar, start, target, pauses)
    due = clock.deadline()
    if due is None:
        # Only possible when the clock is stopped by an open pause before the target is used up.
        assert pauses and pauses[-1].ended_at is None
        assert clock.elapsed(pauses[-1].started_at + timedelta(days=400)) < target
        return
    assert clock.elapsed(due) == target
    if target:
        assert clock.elapsed(due - MINUTE) < target


def test_pause_over_a_weekend_and_a_holiday_moves_the_deadline() -> None:
    # Received Thursday 3 Dec 15:00 with 4 h to resolve: 1 h Thursday, then waiting for the customer from
    # Friday 09:00 to Tuesday 8 Dec 10:00 (over the weekend and Monday's holiday).
    start = hki(2026, 12, 3, 15)
    paused = Clock(OFFICE, start, timedelta(hours=4), [Pause(hki(2026, 12, 4, 9), hki(2026, 12, 8, 10))])
    # Thursday 1 h, Friday 08-09 1 h, then from Tuesday 10:00 the last 2 h.
    assert paused.deadline() == hki(2026, 12, 8, 12)
    assert paused.read(hki(2026, 12, 5, 12)).state is SlaState.PAUSED
    assert paused.read(hki(2026, 12, 8, 11)).state is SlaState.AT_RISK
    assert paused.read(hki(2026, 12, 8, 10, 30)).state is SlaState.RUNNING
    assert paused.read(hki(2026, 12, 8, 12, 1)).state is SlaState.BREACHED


def test_open_pause_has_no_deadline_and_keeps_the_time_left() -> None:
    clock = Clock(OFFICE, hki(2026, 12, 1, 8), timedelta(hours=8), [Pause(hki(2026, 12, 1, 14))])
    reading = clock.read(hki(2026, 12, 2, 12))
    assert reading.state is SlaState.PAUSED
    assert reading.due is None
    assert reading.left == timedelta(hours=2)


def test_resolution_stops_the_clock_met_or_late() -> None:
    clock = Clock(OFFICE, hki(2026, 12, 1, 8), timedelta(hours=4))
    assert clock.read(hki(2026, 12, 9), stopped_at=hki(2026, 12, 1, 11)).state is SlaState.MET
    late = clock.read(hki(2026, 12, 9), stopped_at=hki(2026, 12, 1, 13))
    assert late.state is SlaState.BREACHED
    assert late.left == -timedelta(hours=1)


def test_reopen_continues_from_where_resolution_stopped() -> None:
    # Resolved Tuesday 10:00 after 2 h, reopened Wednesday 14:00: the resolved period does not count.
    pauses = [Pause(hki(2026, 12, 1, 10), hki(2026, 12, 2, 14), reason="resolved")]
    clock = Clock(OFFICE, hki(2026, 12, 1, 8), timedelta(hours=4), pauses)
    assert clock.deadline() == hki(2026, 12, 2, 16)


def test_priority_change_midway_recomputes_from_the_start() -> None:
    # Same history, tighter target: the deadline is recomputed from the clock's start, not from now.
    pauses = [Pause(hki(2026, 12, 1, 9), hki(2026, 12, 1, 13))]
    normal = Clock(OFFICE, hki(2026, 12, 1, 8), timedelta(hours=16), pauses)
    high = Clock(OFFICE, hki(2026, 12, 1, 8), timedelta(hours=4), pauses)
    assert normal.deadline() == hki(2026, 12, 3, 12)
    assert high.deadline() == hki(2026, 12, 1, 16)


def test_on_call_clock_counts_nights_and_dst() -> None:
    # 24/7: 6 h from 01:00 on the autumn DST night is 06:00 real time, 06:00 - 1 h on the wall clock.
    clock = Clock(ALWAYS, hki(2026, 10, 25, 1), timedelta(hours=6))
    assert clock.deadline().astimezone(UTC) == datetime(2026, 10, 24, 22, tzinfo=UTC) + timedelta(hours=6)


def test_explanation_lists_days_and_pauses() -> None:
    pauses = [Pause(hki(2026, 12, 4, 9), hki(2026, 12, 8, 10))]
    steps = Clock(OFFICE, hki(2026, 12, 3, 15), timedelta(hours=4), pauses).explain()
    kinds = [s.reason if isinstance(s, PauseStep) else s.kind for s in steps]
    assert kinds == ["counted", "counted", "waiting", "counted"]
    assert steps[-1].intervals[-1][1] == hki(2026, 12, 8, 12)  # type: ignore[union-attr]
