"""The month's requests: opened, resolved and open at its end, by each dimension, the oldest open, per week.

A request is *finished* at its resolution (resolved or closed after resolving) or, failing that, when it was closed
or cancelled; it was *open at the month's end* when it came in before the end and was not finished before it. Each
dimension is one aggregate query; the weeks come from one pass over the month's timestamps.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from tuki.reports.figures.period import Month
from tuki.tickets.models import State, Ticket

DONE_STATES = (State.RESOLVED, State.CLOSED)


def finished_before(moment: datetime) -> Q:
    return (
        Q(state__in=DONE_STATES, resolved_at__lt=moment)
        | Q(state=State.CLOSED, resolved_at__isnull=True, closed_at__lt=moment)
        | Q(state=State.CANCELLED, closed_at__lt=moment)
    )


def _conditions(month: Month) -> dict[str, Q]:
    return {
        "opened": Q(created_at__gte=month.start, created_at__lt=month.end),
        "resolved": Q(resolved_at__gte=month.start, resolved_at__lt=month.end),
        "open_at_end": Q(created_at__lt=month.end) & ~finished_before(month.end),
    }


def _touching(month: Month) -> QuerySet[Ticket]:
    conditions = _conditions(month)
    return Ticket.objects.filter(organisation=month.organisation).filter(
        conditions["opened"] | conditions["resolved"] | conditions["open_at_end"]
    )


DIMENSIONS = {
    "by_priority": ("priority", None),
    "by_type": ("kind", None),
    "by_channel": ("channel", None),
    "by_environment": ("environment_id", "environment__name"),
    "by_business_unit": ("business_unit_id", "business_unit__name"),
    "by_requester": ("requester_id", "requester__user__full_name"),
}


def _counted(month: Month, key: str, label: str | None) -> list[dict[str, Any]]:
    counts = {name: Count("pk", filter=condition) for name, condition in _conditions(month).items()}
    fields = [key, label] if label else [key]
    rows = _touching(month).values(*fields).annotate(**counts).order_by()
    found = [
        {
            "key": "" if row[key] is None else str(row[key]),
            "label": (row[label] or "") if label else "",
            "opened": row["opened"],
            "resolved": row["resolved"],
            "open_at_end": row["open_at_end"],
        }
        for row in rows
    ]
    # Codes in their natural order; named things by name, the rows without one last.
    if label:
        return sorted(found, key=lambda row: (row["key"] == "", row["label"].casefold(), row["key"]))
    return sorted(found, key=lambda row: (len(row["key"]), row["key"]))


def _weeks(month: Month) -> list[dict[str, Any]]:
    """ISO weeks touching the month, counting only what happened inside the month (so that they add up)."""
    first_monday = month.first - timedelta(days=month.first.weekday())
    weeks: dict[date, dict[str, Any]] = {}
    monday = first_monday
    while monday <= month.last_day:
        weeks[monday] = {"week_start": monday.isoformat(), "opened": 0, "resolved": 0}
        monday += timedelta(days=7)

    def week_of(moment: datetime) -> date:
        day = moment.astimezone(month.zone).date()
        return day - timedelta(days=day.weekday())

    conditions = _conditions(month)
    base = Ticket.objects.filter(organisation=month.organisation)
    for created in base.filter(conditions["opened"]).values_list("created_at", flat=True):
        weeks[week_of(created)]["opened"] += 1
    for resolved in base.filter(conditions["resolved"]).values_list("resolved_at", flat=True):
        if resolved is not None:  # the condition says so; the type does not
            weeks[week_of(resolved)]["resolved"] += 1
    return list(weeks.values())


def request_figures(month: Month) -> dict[str, Any]:
    counts = {name: Count("pk", filter=condition) for name, condition in _conditions(month).items()}
    totals = _touching(month).aggregate(**counts)
    figures: dict[str, Any] = {name: totals[name] or 0 for name in counts}
    for name, (key, label) in DIMENSIONS.items():
        figures[name] = _counted(month, key, label)
    oldest = (
        Ticket.objects.filter(organisation=month.organisation)
        .filter(_conditions(month)["open_at_end"])
        .order_by("created_at", "pk")
        .values("pk", "subject", "created_at", "priority", "state")[:10]
    )
    figures["oldest_open"] = [
        {
            "id": row["pk"],
            "reference": Ticket(pk=row["pk"]).identifier,
            "subject": row["subject"],
            "created_at": row["created_at"].isoformat(),
            "priority": row["priority"],
            "state": row["state"],
        }
        for row in oldest
    ]
    figures["per_week"] = _weeks(month)
    return figures
