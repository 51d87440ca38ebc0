"""Customers side by side: the few figures the supplier compares across customers, read from each report's snapshot
(or, for the month so far, from figures made now), so that the comparison and the customers' reports agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from tuki.accounts.models import Organisation
from tuki.reports.figures import month_figures
from tuki.reports.selectors import customers_with_agreement

SORTS = ("customer", "requests", "response", "resolution", "quota", "additional", "breaches")
LIVE_SECONDS = 30 * 60  # the month so far is made every ten minutes (tuki.reports.tasks); kept half an hour


@dataclass(frozen=True)
class CustomerRow:
    organisation_id: int
    customer: str
    requests: int
    response: int | None  # per cent of response targets met; None when none fell due
    resolution: int | None
    quota: int | None  # per cent of the included maintenance time used; None without a quota
    additional: Decimal
    breaches: int
    month: date

    def sort_key(self, name: str) -> tuple[bool, Any]:
        value = getattr(self, name)
        if name == "customer":
            return (False, value.casefold())
        return (value is None, value if value is not None else 0)


def _percent(part: int, whole: int) -> int | None:
    return part * 100 // whole if whole else None


def customer_row(figures: dict[str, Any]) -> CustomerRow:
    sla = figures["sla"]["by_priority"]
    quota = figures["quota"]
    return CustomerRow(
        organisation_id=figures["organisation"]["id"],
        customer=figures["organisation"]["name"],
        requests=figures["requests"]["opened"],
        response=_percent(sum(r["response_met"] for r in sla), sum(r["response_total"] for r in sla)),
        resolution=_percent(sum(r["resolution_met"] for r in sla), sum(r["resolution_total"] for r in sla)),
        quota=_percent(quota["maintenance_minutes"], quota["included_minutes"]),
        additional=Decimal(figures["additional"]["total_amount"]),
        breaches=len(figures["sla"]["breaches"]),
        month=date.fromisoformat(figures["month"]),
    )


def sorted_rows(rows: list[CustomerRow], sort: str) -> list[CustomerRow]:
    name, reverse = sort.removeprefix("-"), sort.startswith("-")
    if name not in SORTS:
        name, reverse = "customer", False
    return sorted(rows, key=lambda row: row.sort_key(name), reverse=reverse)


def _so_far_key(month: date) -> str:
    return f"reports:so-far:{month:%Y-%m}"


def refresh_month_so_far(now: datetime) -> list[CustomerRow]:
    """Every customer's figures of the running month up to ``now``, made afresh and kept for the desk's front page.
    Made by a periodic job: for every customer it takes too long for a page to wait for."""
    month = timezone.localdate(now).replace(day=1)
    customers: list[Organisation] = customers_with_agreement(month)
    rows = [customer_row(month_figures(organisation=o, month=month, now=now)) for o in customers]
    cache.set(_so_far_key(month), rows, LIVE_SECONDS)
    return rows


def month_so_far(month: date) -> list[CustomerRow] | None:
    """The running month's rows as last made, or None while they are being made."""
    rows: list[CustomerRow] | None = cache.get(_so_far_key(month))
    return rows


def overall(rows: list[CustomerRow]) -> dict[str, Any]:
    """All customers together, for the desk's front page: requests, responses in time, breaches, additional work,
    and the customers with the most breaches."""
    answered = [row for row in rows if row.response is not None]
    return {
        "requests": sum(row.requests for row in rows),
        # The mean of the customers' shares: each customer counts once, however many requests it files.
        "response": sum(row.response or 0 for row in answered) // len(answered) if answered else None,
        "breaches": sum(row.breaches for row in rows),
        "additional": sum((row.additional for row in rows), Decimal("0.00")),
        "worst": sorted((row for row in rows if row.breaches), key=lambda row: -row.breaches)[:5],
    }
