"""Durations as people write them, stored as whole minutes.

Accepted in every language, so that a Finnish manager who types "40 h" is understood as well as one who types
"40 t": "40 h", "2 d", "1 h 30 min", "90 min", "1,5 h", "1:30"; Finnish "40 t", "2 pv", "1 t 30 min"; Swedish
"1 tim 30 min", "2 dygn". A day is 24 hours. An SLA target counts service hours, so its "2 d" is 48 service
hours, not two working days: a duration field has no calendar to know what a working day is, and the help
text says so.

Shown back in hours and minutes, the way the SLA explanations show durations ("40 h", "1 h 30 min"; in Finnish
"40 t", "1 t 30 min"), so that what a manager enters reads the same as what agents and customers see.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MINUTES_PER_UNIT = {"d": 24 * 60, "h": 60, "min": 1}
# A year is far beyond any SLA target or estimate; a larger number is a typo (minutes typed as hours).
MAX_MINUTES = 365 * 24 * 60

UNITS = {
    "d": "d day days dag dagar dygn pv päivä päivää päivät vrk vuorokausi vuorokautta",
    "h": "h hr hrs hour hours t tunti tuntia tunnit tim timme timmar timmer",
    "min": "m min mins minute minutes minuutti minuuttia minuutit minut minuter",
}
UNIT_OF = {word: unit for unit, words in UNITS.items() for word in words.split()}

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([^\W\d_]+)\.?")
_CLOCK = re.compile(r"(\d+):([0-5]\d)")
_JOINERS = re.compile(r"\b(?:and|ja|och)\b|,(?!\d)|\+")

MESSAGES = {
    "required": gettext_lazy("Enter a duration, for example 4 h or 90 min."),
    "invalid": gettext_lazy("Write the duration as 40 h, 1 h 30 min, 90 min, 1:30 or 2 d."),
    "no_unit": gettext_lazy("Add a unit: %(number)s min, %(number)s h or %(number)s d?"),
    "negative": gettext_lazy("A duration cannot be negative."),
    "zero": gettext_lazy("A duration must be longer than zero."),
    "too_long": gettext_lazy("At most 365 d (8760 h)."),
    "fraction": gettext_lazy("Use whole minutes."),
}


def _error(code: str, **params: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def parse_minutes(text: str) -> int:
    """Whole minutes from what a person wrote; a ValidationError in the user's language otherwise."""
    written = " ".join(text.replace("\u2212", "-").split()).lower()
    if not written:
        raise _error("required")
    if written.startswith("-"):
        raise _error("negative")
    # A comma between digits is a decimal comma (fi, sv); any other comma, "and" or "+" only joins parts.
    written = re.sub(r"(?<=\d),(?=\d)", ".", written)
    clock = _CLOCK.fullmatch(written)
    if clock:
        minutes = int(clock[1]) * 60 + int(clock[2])
    elif re.fullmatch(r"\d+(?:\.\d+)?", written):
        raise _error("no_unit", number=written.replace(".", ","))
    else:
        minutes = _sum_of_parts(_JOINERS.sub(" ", written).strip())
    if minutes == 0:
        raise _error("zero")
    if minutes > MAX_MINUTES:
        raise _error("too_long")
    return minutes


def _sum_of_parts(written: str) -> int:
    seen: set[str] = set()
    total = Decimal(0)
    position = 0
    for match in _PART.finditer(written):
        unit = UNIT_OF.get(match[2])
        if written[position : match.start()].strip() or unit is None or unit in seen:
            raise _error("invalid")
        seen.add(unit)
        total += Decimal(match[1]) * MINUTES_PER_UNIT[unit]
        position = match.end()
    if not seen or written[position:].strip():
        raise _error("invalid")
    if total != total.to_integral_value():
        raise _error("fraction")
    return int(total)


def format_minutes(minutes: int) -> str:
    """Whole minutes as people say them, in the active language: "2 h 30 min", "45 min", "40 h"."""
    hours, rest = divmod(abs(minutes), 60)
    parts = []
    if hours:
        parts.append(_("%(hours)d h") % {"hours": hours})
    if rest or not hours:
        parts.append(_("%(minutes)d min") % {"minutes": rest})
    text = " ".join(parts)
    return f"−{text}" if minutes < 0 else text
