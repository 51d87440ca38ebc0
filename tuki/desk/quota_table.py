"""The rows of the desk's quota overview, built in Python.

The overview lists every customer (200 in bench/quota.py) in ten cells each. In the template language each cell
was a lookup or a filter, each figure a translation of the hours pattern, and each open period a form with its own
``{% url %}`` and ``{% csrf_token %}``: about half of the page's time. Here the translations, the link and the
token are made once per page and each row is one string, as in the desk's queue (:mod:`tuki.desk.queue_table`).
Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from html import escape

from django.urls import reverse
from django.utils import formats, numberformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tuki.timesheets.invoicing import Pending
from tuki.timesheets.models import WorkKind
from tuki.timesheets.selectors import PeriodSummary
from tuki.timesheets.templatetags.timesheets import hours_minutes_as, hours_minutes_pattern

_SLOT = "9999999999"  # stands for an agreement's id in the closing form's address


def money_format() -> Callable[[Decimal], str]:
    """Euros as ``formats.number_format(amount, 2, force_grouping=True)`` writes them in the active language, with
    the language's separators looked up once instead of for every amount."""
    decimal = formats.get_format("DECIMAL_SEPARATOR", use_l10n=True)
    grouping = formats.get_format("NUMBER_GROUPING", use_l10n=True)
    thousands = formats.get_format("THOUSAND_SEPARATOR", use_l10n=True)

    def money(amount: Decimal) -> str:
        number = numberformat.format(amount, decimal, 2, grouping, thousands, force_grouping=True, use_l10n=True)
        return f"{number} €"

    return money


def overview_rows(
    rows: Iterable[PeriodSummary], waiting: Mapping[int, Pending], *, close_token: str | None = None
) -> SafeString:
    """``<tr>`` elements of the overview's customers, in the active language; an empty table says so.

    ``close_token`` is the CSRF token of a manager, whose open periods get the form that closes them."""
    pattern = hours_minutes_pattern()
    money = money_format()

    def hours(minutes: int) -> str:
        return hours_minutes_as(pattern, minutes)

    used_up, over_80 = escape(_("quota used up")), escape(_("over %(level)s") % {"level": "80 %"})
    closed, open_ = escape(_("closed")), escape(_("open"))
    close_link = escape(reverse("desk:quota_close", args=[int(_SLOT)]))
    close_button = escape(_("Close the period"))
    token = escape(close_token or "")
    periods: dict[date, str] = {}
    parts = []
    for row in rows:
        balance, minutes = row.balance, row.minutes
        pending = waiting[row.agreement.organisation_id]
        start = balance.period.start
        period = periods.get(start)
        if period is None:
            first, last = (formats.date_format(d, "SHORT_DATE_FORMAT") for d in (start, balance.period.last_day))
            period = periods[start] = escape(f"{first} – {last}")
        badge = ""
        if row.warned:
            badge = f' <span class="badge badge-warn">{used_up if balance.percent >= 100 else over_80}</span>'
        cells = (
            hours(balance.included),
            f"{hours(balance.used)} ({balance.percent} %)",
            hours(balance.remaining),
            hours(minutes.get(WorkKind.HELP_DESK, 0)),
            hours(minutes.get(WorkKind.ADDITIONAL, 0)),
            f"{pending.estimates} ({money(pending.estimated)})" if pending.estimates else "–",
            f"{hours(pending.minutes)}, {money(pending.amount)}" if pending.minutes else "–",
        )
        if row.closed:
            state = closed
        elif close_token is None:
            state = open_
        else:
            state = (
                f'{open_}\n          <form method="post" action="{close_link.replace(_SLOT, str(row.agreement.pk))}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                f'<input type="hidden" name="period" value="{start.isoformat()}">'
                f'<button type="submit" class="button button-quiet small">{close_button}</button></form>'
            )
        parts.append(
            f"<tr>\n<td>{escape(row.agreement.organisation.name)}{badge}</td>\n<td>{period}</td>\n"
            + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
            + f"\n<td>{state}</td>\n</tr>\n"
        )
    if not parts:
        parts.append(f'<tr><td colspan="10">{escape(_("No agreements in force in this period."))}</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped just above
