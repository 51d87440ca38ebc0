"""The rows of the "Quota and costs" page's table of time entries, built in Python.

A busy period shows a hundred entries of five cells. In the template language each row was a chain of lookups, two
``{% url %}`` tags, a date filter, ``get_kind_display`` (which hashes every lazy label of the choices) and the hours
filter (a translation each): most of the page's time. Here the same markup is a string per row, the translations and
link patterns made once per page, as the desk's queue does (:mod:`tuki.desk.queue_table`). Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tuki.changes.models import Change, ChangeState
from tuki.timesheets.models import WorkKind
from tuki.timesheets.templatetags.timesheets import hours_minutes_as, hours_minutes_pattern

_SLOT = "__identifier__"
# What the table shows of an entry, read without the request's or the change's whole row.
ENTRY_FIELDS = (
    "day",
    "ticket_id",
    "change_id",
    "change__state",
    "kind",
    "minutes",
    "corrects_id",
    "reason",
    "late",
    "description",
)


class EntryRow(NamedTuple):
    day: date
    ticket_id: int | None
    change_id: int | None
    change_state: str | None
    kind: str
    minutes: int
    corrects_id: int | None
    reason: str
    late: bool
    description: str


def entry_rows(rows: Iterable[EntryRow]) -> SafeString:
    """``<tr>`` elements of the entries (:data:`ENTRY_FIELDS`), in the active language; an empty table says so."""
    request_link = escape(reverse("portal:ticket", args=[_SLOT]))
    change_link = escape(reverse("portal:change", args=[_SLOT]))
    kinds = {value: escape(str(label)) for value, label in WorkKind.choices}
    pattern = hours_minutes_pattern()
    correction = escape(_("Correction"))
    late_badge = f' <span class="badge">{escape(_("late correction"))}</span>'
    days: dict[date, str] = {}
    parts = []
    for row in rows:
        day = days.get(row.day)
        if day is None:
            day = days[row.day] = escape(formats.date_format(row.day, "SHORT_DATE_FORMAT"))
        if row.ticket_id is not None:
            identifier = escape(f"{settings.TUKI_REQUEST_PREFIX}-{row.ticket_id}")
            subject = f'<a href="{request_link.replace(_SLOT, identifier)}">{identifier}</a>'
        else:
            identifier = escape(Change.identifier_of(row.change_id or 0))
            # A draft is the supplier's working copy: its identifier is shown, but the customer cannot open it.
            subject = (
                identifier
                if row.change_state == ChangeState.DRAFT
                else f'<a href="{change_link.replace(_SLOT, identifier)}">{identifier}</a>'
            )
        if row.corrects_id is not None:
            text = f"{correction}: {escape(row.reason)}" + (late_badge if row.late else "")
        else:
            text = escape(row.description)
        parts.append(
            f"<tr><td>{day}</td><td>{subject}</td><td>{kinds[row.kind]}</td>"
            f"<td>{escape(hours_minutes_as(pattern, row.minutes))}</td><td>{text}</td></tr>\n"
        )
    if not parts:
        parts.append(f'<tr><td colspan="5">{escape(_("No time logged in this period."))}</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped just above
