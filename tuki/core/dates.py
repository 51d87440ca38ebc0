"""Many dates in one format on one page, formatted for the cost of a few.

``formats.date_format`` looks the format up, splits it with a regular expression and checks the time zone for a
missing or repeated hour on every call: on a queue page of fifty rows that was most of the table's cost. A
:func:`datetime_formatter` does the first two once per page and the last only for the formats that show the
zone; the text is the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars

# Format characters whose output depends on the time zone: formats with any of them take Django's own path.
_ZONE_CHARACTERS = frozenset("eIOTUZcr")


def datetime_formatter(format_name: str) -> Callable[[datetime], str]:
    """A function formatting aware datetimes in the active time zone and language as ``format_name`` (e.g.
    ``"SHORT_DATETIME_FORMAT"``) does, as ``formats.date_format(timezone.localtime(value), format_name)``."""
    form = str(formats.get_format(format_name))
    zone = timezone.get_current_timezone()
    pieces = re_formatchars.split(form)
    if _ZONE_CHARACTERS & set(pieces[1::2]):
        return lambda value: formats.date_format(value.astimezone(zone), format_name)
    # Even places hold literal text (escapes undone once), odd places the format characters.
    parts = [
        (piece, False) if index % 2 else (re_escaped.sub(r"\1", piece), True) for index, piece in enumerate(pieces)
    ]

    def format_one(value: datetime) -> str:
        text = DateFormat.__new__(DateFormat)
        text.data = value.astimezone(zone)
        text.timezone = None  # not read by the characters of this format
        return "".join(piece if literal else str(getattr(text, piece)()) for piece, literal in parts)

    return format_one
