"""iCalendar (RFC 5545) text for a feed of events: pure, no Django.

What the RFC asks and calendar programs are strict about: lines end in CRLF; a content line longer than 75
octets is folded (CRLF and one space) without splitting a UTF-8 character; TEXT values escape backslash,
semicolon, comma and newlines; times are given in UTC with a trailing Z, so no VTIMEZONE is needed; every
event has a UID that stays the same across fetches (so a program updates it instead of adding a copy) and a
DTSTAMP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

_FOLD_AT = 75  # octets, not counting the CRLF


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime
    end: datetime | None  # None or not after start: an event of no length (DTSTART only)
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # TENTATIVE, CONFIRMED or CANCELLED
    categories: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash first, then the separators, newlines as \\n; other control
    characters cannot be written at all and are dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return "".join(char for char in value if char == "\t" or ord(char) >= 0x20 and ord(char) != 0x7F)


def utc(moment: datetime) -> str:
    """A DATE-TIME in UTC ("form #2"), e.g. 20260307T180000Z. A naive time is refused: its zone would be a guess."""
    if moment.tzinfo is None:
        raise ValueError("An iCalendar time must be timezone-aware.")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line, folded into pieces of at most 75 octets, each piece after the first led by a space."""
    encoded = line.encode()
    if len(encoded) <= _FOLD_AT:
        return line + "\r\n"
    pieces: list[str] = []
    piece = ""
    size = 0
    limit = _FOLD_AT
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append(piece)
            piece, size, limit = "", 0, _FOLD_AT - 1  # the leading space of a continuation counts
        piece += char
        size += width
    pieces.append(piece)
    return "\r\n ".join(pieces) + "\r\n"


def _event_lines(event: Event, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(event.start)}",
    ]
    if event.end is not None and event.end > event.start:
        lines.append(f"DTEND:{utc(event.end)}")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")  # a URI value: not escaped as text
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(category) for category in event.categories))
    lines += [f"STATUS:{event.status}", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def calendar(events: Iterable[Event], *, product: str, name: str, stamp: datetime) -> str:
    """The whole VCALENDAR: ``product`` is the PRODID text, ``name`` what programs show as the calendar's name,
    ``stamp`` the moment the feed was made (DTSTAMP of each event)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(product)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        # How often to fetch again: programs that read these (Apple's, Outlook) otherwise wait a day or more.
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
