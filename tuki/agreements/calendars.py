"""From stored service-hours calendars to the pure engine (:mod:`tuki.sla.calendar`), with validation.

Validation builds the engine itself, so what is refused here is exactly what the engine could not run:
a calendar without working time, overlapping intervals, an end before a start, an unknown time zone or
holiday country.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from tuki.agreements.models import ServiceCalendar, Weekday
from tuki.agreements.public_holidays import holiday_names, years_around
from tuki.sla.calendar import Calendar, CalendarError

_lock = threading.Lock()


def _clock(value: time | None, *, end: bool = False) -> str:
    return "24:00" if value is None and end else (value or time(0)).strftime("%H:%M")


def _overlaps(label: str, intervals: list[tuple[time, time | None]]) -> list[str]:
    """Messages for intervals of one day that end before they start or overlap each other."""
    problems = []
    ordered = sorted(intervals, key=lambda pair: pair[0])
    for opens, closes in ordered:
        if closes is not None and closes <= opens:
            problems.append(
                _("%(day)s: %(opens)s–%(closes)s ends before it starts.")
                % {"day": label, "opens": _clock(opens), "closes": _clock(closes)}
            )
    for (opens, closes), (next_opens, next_closes) in zip(ordered, ordered[1:], strict=False):
        if closes is None or next_opens < closes:
            problems.append(
                _("%(day)s: %(first)s and %(second)s overlap.")
                % {
                    "day": label,
                    "first": f"{_clock(opens)}–{_clock(closes, end=True)}",
                    "second": f"{_clock(next_opens)}–{_clock(next_closes, end=True)}",
                }
            )
    return problems


def weekly_problems(weekly: Sequence[tuple[int, time, time | None]]) -> list[str]:
    if not weekly:
        return [_("The calendar has no working time at all: give opening hours for at least one weekday.")]
    days: dict[int, list[tuple[time, time | None]]] = {}
    for weekday, opens, closes in weekly:
        days.setdefault(weekday, []).append((opens, closes))
    return [problem for day, hours in sorted(days.items()) for problem in _overlaps(str(Weekday(day).label), hours)]


def exception_problems(exceptions: Sequence[tuple[date, time | None, time | None]]) -> list[str]:
    problems = []
    days: dict[date, list[tuple[time, time | None]]] = {}
    for day, opens, closes in exceptions:
        if opens is None:
            if closes is not None:
                problems.append(
                    _("%(day)s: give the opening time too, or leave both times empty for a closed day.")
                    % {"day": day.strftime("%d.%m.%Y")}
                )
            continue
        days.setdefault(day, []).append((opens, closes))
    for day, hours in sorted(days.items()):
        problems += _overlaps(day.strftime("%d.%m.%Y"), hours)
    return problems


def validate_rows(
    weekly: Sequence[tuple[int, time, time | None]],
    exceptions: Sequence[tuple[date, time | None, time | None]],
) -> None:
    """Check the rows a manager entered, with messages that say which day and which hours are wrong."""
    errors = {"hours": weekly_problems(weekly), "exceptions": exception_problems(exceptions)}
    if any(errors.values()):
        raise ValidationError({field: problems for field, problems in errors.items() if problems})


def build_engine(
    *,
    timezone: str,
    holiday_country: str,
    weekly: Sequence[tuple[int, time, time | None]],
    exceptions: Sequence[tuple[date, time | None, time | None]],
    years: Iterable[int],
    language: str = "fi",
) -> Calendar:
    """The engine for these rows; errors come back as a ValidationError naming the field."""
    validate_rows(weekly, exceptions)
    weekly_hours: dict[int, list[tuple[str, str]]] = {}
    for weekday, opens, closes in weekly:
        weekly_hours.setdefault(weekday, []).append((_clock(opens), _clock(closes, end=True)))
    exception_hours: dict[date, list[tuple[str, str]]] = {}
    for day, day_opens, day_closes in exceptions:
        hours = exception_hours.setdefault(day, [])
        if day_opens is not None:
            hours.append((_clock(day_opens), _clock(day_closes, end=True)))
    named = holiday_names(holiday_country, years, language)
    try:
        return Calendar(timezone=timezone, weekly=weekly_hours, holidays=named, exceptions=exception_hours)
    except CalendarError as error:
        raise ValidationError({_FIELDS.get(error.field, "__all__"): _describe(error)}) from None


_FIELDS = {"timezone": "timezone", "weekly": "hours", "exceptions": "exceptions", "holidays": "holiday_country"}


def _describe(error: CalendarError) -> str:
    """The engine speaks English to developers; users get a translated message for each kind of fault."""
    text = str(error)
    if error.field == "timezone":
        return _("Unknown time zone. Use a name such as Europe/Helsinki.")
    if "no working time" in text:
        return _("The calendar has no working time at all: give opening hours for at least one weekday.")
    if "overlap" in text:
        return _("Opening hours overlap on the same day: %(detail)s") % {"detail": text.split(": ", 1)[-1]}
    if "does not end after it starts" in text:
        return _("An interval must end after it starts: %(detail)s") % {"detail": text.split(": ", 1)[-1]}
    return _("The calendar is not valid: %(detail)s") % {"detail": text}


def engine_for(calendar: ServiceCalendar, today: date, language: str = "fi") -> Calendar:
    """The engine for a stored calendar, kept in this process (see :mod:`tuki.core.versioned` for its worth).

    The key is the calendar's ``updated_at``, which every change moves (``calendar_save`` and the admin save the
    calendar after its hours), so a changed calendar is a new key and no engine needs forgetting; an engine built
    from a change that was rolled back sits under a key that nothing asks for again.
    """
    return _cached_engine(calendar.pk, calendar.updated_at.isoformat(), today.year, language)


@lru_cache(maxsize=256)
def _cached_engine(pk: int, version: str, year: int, language: str) -> Calendar:
    with _lock:
        calendar = ServiceCalendar.objects.get(pk=pk)
        return build_engine(
            timezone=calendar.timezone,
            holiday_country=calendar.holiday_country,
            weekly=[(h.weekday, h.opens, h.closes) for h in calendar.hours.all()],
            exceptions=[(e.day, e.opens, e.closes) for e in calendar.exceptions.all()],
            years=years_around(date(year, 1, 1)),
            language=language,
        )


def weekly_summary(calendar: ServiceCalendar) -> Mapping[int, list[str]]:
    """Weekday -> ["8.00–16.00", ...] in the active language's time format, for showing the hours."""
    summary: dict[int, list[str]] = {}
    for hours in calendar.hours.all():
        closes = formats.time_format(hours.closes, "TIME_FORMAT") if hours.closes else _("midnight")
        summary.setdefault(hours.weekday, []).append(f"{formats.time_format(hours.opens, 'TIME_FORMAT')}–{closes}")
    return summary
