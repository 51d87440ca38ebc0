"""The figures of one customer's month: the shape agreed for the monthly report (a contract with its renderers).

Everything is language-neutral (numbers, codes, names, ISO dates and datetimes in UTC); labels and the summary are
made when rendering, in the reader's language. The one piece of prose is each SLA breach's explanation, kept as the
request page showed it when the report was made. A section whose source is missing (no agreement, no environments)
is present with empty lists and zeros, and a note says why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tuki.accounts.models import Organisation
from tuki.reports.figures.additional import additional_figures
from tuki.reports.figures.changes import change_figures
from tuki.reports.figures.period import ReportMonthError, agreement_rows, notes, report_month
from tuki.reports.figures.quota import empty_quota, quota_figures
from tuki.reports.figures.requests import request_figures
from tuki.reports.figures.sla import EXPLAINED, sla_figures

SHAPE_VERSION = 1
CURRENCY = "EUR"

__all__ = ["Figures", "ReportMonthError", "month_figures"]

Figures = dict[str, Any]  # the agreed shape (see the module's docstring), as JSON


def month_figures(*, organisation: Organisation, month: date, now: datetime) -> Figures:
    """The figures of ``organisation`` for the calendar ``month`` (its first day), as known at ``now``; a month that
    has not begun is refused (:class:`ReportMonthError`)."""
    span = report_month(organisation, month, now)
    found_notes = notes(span)
    changes = change_figures(span)
    if not changes.pop("environment_count"):
        found_notes.append({"code": "no_environments", "params": {}})
    if span.agreement is None:
        quota: dict[str, Any] = empty_quota(span)
        additional: dict[str, Any] = {
            "estimates": [],
            "by_business_unit": [],
            "total_minutes": 0,
            "total_amount": "0.00",
        }
    else:
        quota, additional = quota_figures(span), additional_figures(span)
    sla = sla_figures(span)
    if len(sla["breaches"]) > EXPLAINED:
        found_notes.append(
            {"code": "explanations_limited", "params": {"shown": EXPLAINED, "breaches": len(sla["breaches"])}}
        )
    return {
        "version": SHAPE_VERSION,
        "organisation": {"id": organisation.pk, "name": organisation.name},
        "month": span.first.isoformat(),
        "time_zone": span.zone.key,
        "made_at": now.astimezone(UTC).isoformat(),
        "currency": CURRENCY,
        "agreements": agreement_rows(span),
        "notes": found_notes,
        "requests": request_figures(span),
        "sla": sla,
        "quota": quota,
        "additional": additional,
        "changes": changes,
    }
