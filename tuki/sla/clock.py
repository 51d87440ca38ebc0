"""An SLA clock: business time that runs from a start, stops during pauses, and is measured against a target.

Pure like :mod:`tuki.sla.calendar`: no Django, and ``now`` is always an argument. A request has two clocks
(first response and resolution) over the same pauses; a pause is a period while the request waits for the
customer, or lies resolved before being reopened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tuki.sla.calendar import Calendar, ExplainStep

AT_RISK_SHARE = 0.75  # warn when this share of the target has been used


class SlaState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    AT_RISK = "at_risk"
    MET = "met"
    BREACHED = "breached"
    # Not a reading of the clock: a cancelled request (merging cancels the duplicate) is not measured at all,
    # neither met nor breached, on the page, in the queue and in the reports alike.
    NO_OUTCOME = "no_outcome"


@dataclass(frozen=True)
class Pause:
    started_at: datetime
    ended_at: datetime | None = None  # None: still paused
    reason: str = "waiting"


@dataclass(frozen=True)
class PauseStep:
    """A pause shown between the counted days of an explanation."""

    started_at: datetime
    ended_at: datetime | None
    reason: str


@dataclass(frozen=True)
class Reading:
    """Where a clock stands at one instant."""

    state: SlaState
    elapsed: timedelta  # business time used
    left: timedelta  # business time left; negative once breached
    due: datetime | None  # None while paused: the deadline moves on resumption


@dataclass(frozen=True)
class Clock:
    calendar: Calendar
    started_at: datetime
    target: timedelta
    pauses: Sequence[Pause] = ()

    def _running_segments(self) -> list[tuple[datetime, datetime | None]]:
        """The periods in which the clock runs, in order; the last may be open-ended."""
        segments: list[tuple[datetime, datetime | None]] = []
        cursor: datetime | None = self.started_at
        for pause in sorted(self.pauses, key=lambda p: p.started_at):
            if cursor is None:
                break
            if pause.started_at > cursor:
                segments.append((cursor, pause.started_at))
            if pause.ended_at is None:
                cursor = None
            elif pause.ended_at > cursor:
                cursor = pause.ended_at
        if cursor is not None:
            segments.append((cursor, None))
        return segments

    def elapsed(self, at: datetime) -> timedelta:
        total = timedelta(0)
        for start, end in self._running_segments():
            if start >= at:
                break
            stop = at if end is None or end > at else end
            total += self.calendar.business_time_between(start, stop)
        return total

    def is_paused(self, at: datetime) -> bool:
        return not any(start <= at and (end is None or at < end) for start, end in self._running_segments())

    def deadline(self, share: float = 1.0) -> datetime | None:
        """When ``share`` of the target runs out, counting pauses known so far; None if it falls in an open pause."""
        remaining = self.target * share
        for start, end in self._running_segments():
            if end is None:
                return self.calendar.add_business_time(start, remaining)
            capacity = self.calendar.business_time_between(start, end)
            if capacity >= remaining:
                return self.calendar.add_business_time(start, remaining)
            remaining -= capacity
        return None

    def read(self, now: datetime, stopped_at: datetime | None = None) -> Reading:
        """The clock's state at ``now``; ``stopped_at`` is when the target was achieved (response, resolution)."""
        at = min(stopped_at, now) if stopped_at is not None else now
        elapsed = self.elapsed(at)
        left = self.target - elapsed
        due = self.deadline()
        if stopped_at is not None and stopped_at <= now:
            state = SlaState.MET if left >= timedelta(0) else SlaState.BREACHED
        elif left <= timedelta(0):
            state = SlaState.BREACHED
        elif self.is_paused(now):
            state = SlaState.PAUSED
        elif elapsed >= self.target * AT_RISK_SHARE:
            state = SlaState.AT_RISK
        else:
            state = SlaState.RUNNING
        return Reading(state=state, elapsed=elapsed, left=left, due=due)

    def explain(self) -> list[ExplainStep | PauseStep]:
        """How the deadline is reached: the counted and closed days of each running period, and the pauses."""
        steps: list[ExplainStep | PauseStep] = []
        remaining = self.target
        previous_end: datetime | None = None
        for start, end in self._running_segments():
            if previous_end is not None:
                steps.append(PauseStep(previous_end, start, self._reason_at(previous_end)))
            capacity = None if end is None else self.calendar.business_time_between(start, end)
            use = remaining if capacity is None else min(remaining, capacity)
            steps.extend(self.calendar.explain_add(start, use))
            remaining -= use
            if remaining <= timedelta(0):
                return steps
            previous_end = end
        if previous_end is not None:
            steps.append(PauseStep(previous_end, None, self._reason_at(previous_end)))
        return steps

    def _reason_at(self, moment: datetime) -> str:
        return next((p.reason for p in self.pauses if p.started_at == moment), "waiting")
