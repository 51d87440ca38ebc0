"""The iCalendar writer, read back by an independent parser (icalendar): escaping, folding, CRLF, UTC."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tuki.changes import ical as module
from tuki.changes.ical import Event, calendar, escape_text, fold, utc

HELSINKI = ZoneInfo("Europe/Helsinki")
START = datetime(2026, 3, 3, 20, tzinfo=HELSINKI)  # 18:00 UTC
STAMP = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_text_is_escaped() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert escape_text("bell\x07 and escape\x1b gone\ttab kept") == "bell and escape gone\ttab kept"


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    line = "SUMMARY:" + "ä" * 100
    folded = fold(line)
    pieces = folded.removesuffix("\r\n").split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece.removeprefix(" ") if n else piece for n, piece in enumerate(pieces)) == line
    assert fold("SHORT:x") == "SHORT:x\r\n"


def test_times_are_utc_and_naive_ones_refused() -> None:
    assert utc(START) == "20260303T180000Z"
    assert utc(datetime(2026, 7, 1, 3, tzinfo=timezone(timedelta(hours=3)))) == "20260701T000000Z"
    with pytest.raises(ValueError):
        utc(datetime(2026, 3, 3, 18))  # noqa: DTZ001 - the point of the test


def test_an_independent_parser_reads_back_what_was_written() -> None:
    tricky = "Päivitys; versio 2,0 \\ osa 1\nToinen rivi " + "pitkä " * 30
    body = calendar(
        [
            Event(
                uid="ch-42@tuki.example",
                start=START,
                end=START + timedelta(hours=2),
                summary="CH-42 Päivitys, osa 1; tärkeä",
                description=tricky,
                location="Intranet, tuotanto",
                url="https://tuki.example/portal/changes/CH-42/",
                categories=("Normaali",),
            ),
            Event(uid="ch-43@tuki.example", start=START, end=START, summary="Instant", status="TENTATIVE"),
        ],
        product="-//Supplier//Tuki//EN",
        name="Muutokset: Org A, Oy",
        stamp=STAMP,
    )
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    parsed = icalendar.Calendar.from_ical(body)
    # An X- property is TEXT by default, so its comma is escaped; icalendar hands unknown properties back as written.
    assert str(parsed["X-WR-CALNAME"]) == "Muutokset: Org A\\, Oy"
    first, second = parsed.walk("VEVENT")
    assert str(first["UID"]) == "ch-42@tuki.example"
    assert first.decoded("DTSTART") == START and first.decoded("DTSTART").tzinfo is not None
    assert first.decoded("DTEND") == START + timedelta(hours=2)
    assert str(first["SUMMARY"]) == "CH-42 Päivitys, osa 1; tärkeä"
    assert str(first["DESCRIPTION"]) == tricky
    assert str(first["LOCATION"]) == "Intranet, tuotanto"
    assert str(first["URL"]) == "https://tuki.example/portal/changes/CH-42/"
    assert "DTEND" not in second and str(second["STATUS"]) == "TENTATIVE"
    assert second.decoded("DTSTAMP") == STAMP


def test_the_module_is_pure() -> None:
    tree = ast.parse(Path(module.__file__).read_text())
    names = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] in {"django", "tuki"} for name in names), names
