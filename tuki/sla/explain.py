"""Readable accounts of SLA clocks: "received Friday 15.30, 30 min that day, weekend, Independence Day...".

Everything is shown in the calendar's time zone (the agreement's), in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tuki.core.durations import format_minutes
from tuki.sla.calendar import ExplainStep
from tuki.sla.clock import PauseStep
from tuki.tickets.deadlines import SlaStatus


@dataclass(frozen=True)
class Line:
    when: str
    what: str
    counted: str = ""


def format_duration(delta: timedelta) -> str:
    """Business time as people say it: "2 h 30 min", "45 min", "1 h" (as a duration field shows it back)."""
    text = format_minutes(int(abs(delta).total_seconds() // 60))
    return f"−{text}" if delta < timedelta(0) else text


def format_moment(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{formats.date_format(local, 'D')} {formats.date_format(local, 'SHORT_DATETIME_FORMAT')}"


@lru_cache(maxsize=4096)
def _calendar_text(value: date | time, language: str) -> str:
    """A day ("Fri 6.12.2026") or a time of day ("8.00") in ``language``'s format.

    An explanation names the same days and service hours request after request, and formatting is most of its
    cost: each process formats each once per language (days and times carry no zone, so the text depends on
    nothing else).
    """
    if isinstance(value, date):
        return formats.date_format(value, "D") + " " + formats.date_format(value, "SHORT_DATE_FORMAT")
    return formats.time_format(value, "TIME_FORMAT")


def _day(step: ExplainStep, language: str) -> str:
    first = _calendar_text(step.day, language)
    if step.last_day and step.last_day != step.day:
        return f"{first} – {_calendar_text(step.last_day, language)}"
    return first


# What a day of the calendar was, by its kind (a holiday with its name is said apart).
_DAY_KINDS = {
    "weekend": gettext_lazy("No service hours on this weekday"),
    "holiday": gettext_lazy("Public holiday"),
    "exception_closed": gettext_lazy("Closed (exception day)"),
    "closed": gettext_lazy("Outside service hours"),
    "exception_hours": gettext_lazy("Exceptional service hours"),
    "counted": gettext_lazy("Service hours"),
}


def explain_lines(started_at: datetime, steps: list[ExplainStep | PauseStep], zone: tzinfo) -> list[Line]:
    language = get_language() or ""
    lines = [Line(format_moment(started_at, zone), _("Received"))]
    for step in steps:
        if isinstance(step, PauseStep):
            end = format_moment(step.ended_at, zone) if step.ended_at else _("still")
            what = _("Waiting for the customer") if step.reason == "waiting" else _("Resolved, later reopened")
            if step.ended_at is None and step.reason == "resolved":
                what = _("Resolved")
            lines.append(Line(f"{format_moment(step.started_at, zone)} – {end}", what + " · " + _("clock paused")))
            continue
        if step.kind == "holiday" and step.label:
            what = _("Public holiday: %(name)s") % {"name": step.label}
        else:
            what = str(_DAY_KINDS[step.kind])
        counted = ""
        if step.business:
            spans = ", ".join(
                f"{_calendar_text(start.astimezone(zone).time(), language)}–"
                f"{_calendar_text(end.astimezone(zone).time(), language)}"
                for start, end in step.intervals
            )
            counted = _("%(duration)s counted (%(spans)s)") % {
                "duration": format_duration(step.business),
                "spans": spans,
            }
        lines.append(Line(_day(step, language), what, counted))
    return lines


STATE_LABELS = {
    "running": gettext_lazy("On time"),
    "paused": gettext_lazy("Paused"),
    "at_risk": gettext_lazy("At risk"),
    "met": gettext_lazy("Met"),
    "breached": gettext_lazy("Breached"),
    "no_outcome": gettext_lazy("No outcome"),
}
CLOCK_LABELS = {"first_response": gettext_lazy("Response time"), "resolution": gettext_lazy("Resolution time")}


@dataclass(frozen=True)
class ClockView:
    name: str
    label: str
    state: str
    state_label: str
    target: str
    left: str
    due: str
    lines: list[Line]


def clock_views(statuses: list[SlaStatus], started_at: datetime) -> list[ClockView]:
    views = []
    for status in statuses:
        zone = status.zone
        reading = status.reading
        lines = explain_lines(started_at, status.explanation, zone)
        due = format_moment(reading.due, zone) if reading.due else ""
        if reading.due and status.reading.state != "paused":
            lines.append(Line(due, _("Due")))
        views.append(
            ClockView(
                name=status.name,
                label=str(CLOCK_LABELS[status.name]),
                state=reading.state.value,
                state_label=str(STATE_LABELS[reading.state.value]),
                target=format_duration(status.target),
                left=format_duration(reading.left),
                due=due,
                lines=lines,
            )
        )
    return views
