"""Page numbers from the address bar, where anything unreadable simply means the first page, and the rows of
one page."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

R = TypeVar("R")  # a model instance, or a row of values_list


def page_number(value: str, last: int) -> int:
    """``value`` as a page number from 1 to ``last``; the bound keeps the database's OFFSET within its integers."""
    # isdecimal, not isdigit: int() refuses some digits (superscripts) that isdigit accepts.
    return max(1, min(int(value), last)) if value.isdecimal() else 1


def page_rows(rows: QuerySet[Any, R], page: int, size: int) -> tuple[list[R], bool]:
    """The rows of page ``page`` (only they are read) and whether another page follows:
    one row more than the page holds is read to know."""
    start = (page - 1) * size
    found = list(rows[start : start + size + 1])
    return found[:size], len(found) > size
