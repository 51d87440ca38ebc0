"""Page numbers from the address bar, where anything unreadable simply means the first page."""

from __future__ import annotations


def page_number(value: str, last: int) -> int:
    """``value`` as a page number from 1 to ``last``; the bound keeps the database's OFFSET within its integers."""
    # isdecimal, not isdigit: int() refuses some digits (superscripts) that isdigit accepts.
    return max(1, min(int(value), last)) if value.isdecimal() else 1
