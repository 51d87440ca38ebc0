"""The month's SLA results: per priority, the targets whose deadline fell in the month and how many were met; each
breach with its business minutes late and the explanation its request page gives; the time the clocks stood
paused waiting for the customer.

A target is measured by the deadline stored on its request (the same the desk and the sweep use) and is *met* when
its clock stopped at or before it: the response at the first response (or a close without one), the resolution at
the resolution (or a close without one). Cancelled requests have no SLA outcome and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import translation

from tuki.agreements.calendars import engine_for
from tuki.reports.figures.period import Month
from tuki.sla.presentation import ticket_clocks
from tuki.tickets.models import SlaPause, State, Ticket

DUE_FIELDS = {"response": "first_response_due", "resolution": "resolution_due"}
EXPLAINED = 50  # the most breaches whose explanation the report keeps (the latest by how late)


def response_met() -> Q:
    return Q(first_responded_at__lte=F("first_response_due")) | Q(
        first_responded_at__isnull=True, state=State.CLOSED, closed_at__lte=F("first_response_due")
    )


def resolution_met() -> Q:
    return Q(state__in=(State.RESOLVED, State.CLOSED), resolved_at__lte=F("resolution_due")) | Q(
        state=State.CLOSED, resolved_at__isnull=True, closed_at__lte=F("resolution_due")
    )


def done_at(ticket: Ticket, target: str) -> datetime | None:
    """When the target's clock stopped, if it has."""
    if target == "response":
        return ticket.first_responded_at or (ticket.closed_at if ticket.state == State.CLOSED else None)
    if ticket.state in (State.RESOLVED, State.CLOSED) and ticket.resolved_at is not None:
        return ticket.resolved_at
    return ticket.closed_at if ticket.state == State.CLOSED else None


def _measured(month: Month, due_field: str) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        organisation=month.organisation,
        agreement__isnull=False,
        **{f"{due_field}__gte": month.start, f"{due_field}__lt": month.until},
    ).exclude(state=State.CANCELLED)


def _by_priority(month: Month) -> list[dict[str, int]]:
    rows: dict[int, dict[str, int]] = defaultdict(
        lambda: {"response_total": 0, "response_met": 0, "resolution_total": 0, "resolution_met": 0}
    )
    for target, met in (("response", response_met()), ("resolution", resolution_met())):
        counted = (
            _measured(month, DUE_FIELDS[target])
            .values("priority")
            .annotate(total=Count("pk"), met=Count("pk", filter=met))
            .order_by()
        )
        for row in counted:
            rows[row["priority"]][f"{target}_total"] = row["total"]
            rows[row["priority"]][f"{target}_met"] = row["met"]
    return [{"priority": priority, **rows[priority]} for priority in sorted(rows)]


def _explanation(ticket: Ticket, target: str, now: datetime) -> list[dict[str, str]]:
    """The request page's account of the clock, in the organisation's language (Finnish by default)."""
    name = "first_response" if target == "response" else "resolution"
    with translation.override(settings.LANGUAGE_CODE):
        view = next((v for v in ticket_clocks(ticket, now) if v.name == name), None)
        lines = view.lines if view is not None else []
        return [{"when": line.when, "what": str(line.what), "counted": str(line.counted)} for line in lines]


def _breaches(month: Month) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    late_tickets: dict[int, Ticket] = {}
    for target, met in (("response", response_met()), ("resolution", resolution_met())):
        due_field = DUE_FIELDS[target]
        late = (
            _measured(month, due_field)
            .exclude(met)
            .select_related("agreement__service_calendar", "agreement__on_call_calendar")
            .prefetch_related("agreement__targets", "pauses")
        )
        for ticket in late:
            late_tickets[ticket.pk] = ticket
            due: datetime = getattr(ticket, due_field)
            done = done_at(ticket, target)
            done = done if done is not None and done <= month.now else None
            assert ticket.agreement is not None  # noqa: S101 - measured only with an agreement
            calendar = engine_for(ticket.agreement.calendar_for(ticket.priority), due.astimezone(month.zone).date())
            late_by = calendar.business_time_between(due, done or month.now)
            found.append(
                {
                    "id": ticket.pk,
                    "reference": ticket.identifier,
                    "subject": ticket.subject,
                    "priority": ticket.priority,
                    "target": target,
                    "due": due.isoformat(),
                    "done": done.isoformat() if done else None,
                    "late_minutes": int(late_by.total_seconds() // 60),
                    "explanation": [],
                }
            )
    # The request page's account of each clock costs a few milliseconds: the worst breaches get theirs, and a month
    # with hundreds of breaches says how many were explained (the rest are on their requests' pages).
    worst = sorted(found, key=lambda row: (-row["late_minutes"], row["due"], row["id"]))[:EXPLAINED]
    for row in worst:
        row["explanation"] = _explanation(late_tickets[row["id"]], row["target"], month.now)
    return sorted(found, key=lambda row: (row["due"], row["id"], row["target"]))


def _paused_minutes(month: Month) -> int:
    """Wall-clock time, inside the month, that the organisation's requests waited for the customer."""
    pauses = SlaPause.objects.filter(
        ticket__organisation=month.organisation, reason="waiting", started_at__lt=month.until
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=month.start))
    seconds = 0.0
    for started, ended in pauses.values_list("started_at", "ended_at"):
        begin, finish = max(started, month.start), min(ended or month.until, month.until)
        seconds += max(0.0, (finish - begin).total_seconds())
    return int(seconds // 60)


def sla_figures(month: Month) -> dict[str, Any]:
    return {"by_priority": _by_priority(month), "breaches": _breaches(month), "paused_minutes": _paused_minutes(month)}
