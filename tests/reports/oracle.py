"""The report's figures computed a second way: every row read into Python and counted with plain loops, the
business minutes counted minute by minute. Only the definitions are shared with the report, never its code."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tuki.agreements.calendars import engine_for
from tuki.changes.models import Change
from tuki.tickets.models import SlaPause, Ticket
from tuki.timesheets.models import TimeEntry


def _next(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _finished(ticket: Ticket) -> datetime | None:
    if ticket.state in ("resolved", "closed") and ticket.resolved_at is not None:
        return ticket.resolved_at
    if ticket.state in ("closed", "cancelled"):
        return ticket.closed_at
    return None


def requests_by_loops(organisation_id: int, first: date, zone: ZoneInfo) -> dict[str, Any]:
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(_next(first), time(0), tzinfo=zone)
    found: dict[str, Any] = {"opened": 0, "resolved": 0, "open_at_end": 0}
    dims: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    weeks: dict[str, dict[str, int]] = defaultdict(lambda: {"opened": 0, "resolved": 0})
    open_ones = []
    for ticket in Ticket.objects.filter(organisation_id=organisation_id):
        flags = {
            "opened": start <= ticket.created_at < end,
            "resolved": ticket.resolved_at is not None and start <= ticket.resolved_at < end,
            "open_at_end": ticket.created_at < end and ((_finished(ticket) or end) >= end),
        }
        keys = {
            "by_priority": str(ticket.priority),
            "by_type": ticket.kind,
            "by_channel": ticket.channel,
            "by_environment": str(ticket.environment_id or ""),
            "by_business_unit": str(ticket.business_unit_id or ""),
            "by_requester": str(ticket.requester_id),
        }
        for name, value in flags.items():
            if value:
                found[name] += 1
                for dimension, key in keys.items():
                    dims[dimension][key][name] += 1
        if flags["open_at_end"]:
            open_ones.append(ticket)
        for name, moment in (("opened", ticket.created_at), ("resolved", ticket.resolved_at)):
            if flags[name] and moment is not None:
                day = moment.astimezone(zone).date()
                weeks[(day - timedelta(days=day.weekday())).isoformat()][name] += 1
    for dimension, rows in dims.items():
        found[dimension] = {key: dict(counts) for key, counts in rows.items()}
    found["per_week"] = dict(weeks)
    found["oldest_open"] = [t.pk for t in sorted(open_ones, key=lambda t: (t.created_at, t.pk))[:10]]
    return found


def _done(ticket: Ticket, target: str) -> datetime | None:
    if target == "response":
        return ticket.first_responded_at or (ticket.closed_at if ticket.state == "closed" else None)
    if ticket.state in ("resolved", "closed") and ticket.resolved_at is not None:
        return ticket.resolved_at
    return ticket.closed_at if ticket.state == "closed" else None


def _business_minutes(ticket: Ticket, start: datetime, stop: datetime, zone: ZoneInfo) -> int:
    assert ticket.agreement is not None
    calendar = engine_for(ticket.agreement.calendar_for(ticket.priority), start.astimezone(zone).date())
    minutes, moment = 0, start
    while moment < stop:
        minutes += calendar.is_open(moment)
        moment += timedelta(minutes=1)
    return minutes


def sla_by_loops(organisation_id: int, first: date, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    start = datetime.combine(first, time(0), tzinfo=zone)
    until = min(datetime.combine(_next(first), time(0), tzinfo=zone), now)
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    breaches = {}
    tickets = Ticket.objects.filter(organisation_id=organisation_id).select_related("agreement")
    for ticket in tickets:
        if ticket.agreement is None or ticket.state == "cancelled":
            continue
        for target, due in (("response", ticket.first_response_due), ("resolution", ticket.resolution_due)):
            if due is None or not start <= due < until:
                continue
            totals[ticket.priority][f"{target}_total"] += 1
            done = _done(ticket, target)
            if done is not None and done <= due:
                totals[ticket.priority][f"{target}_met"] += 1
            else:
                stop = done if done is not None and done <= now else now
                breaches[(ticket.pk, target)] = _business_minutes(ticket, due, stop, zone)
    paused = 0.0
    for pause in SlaPause.objects.filter(ticket__organisation_id=organisation_id, reason="waiting"):
        begin, finish = max(pause.started_at, start), min(pause.ended_at or until, until)
        paused += max(0.0, (finish - begin).total_seconds())
    return {"totals": {p: dict(v) for p, v in totals.items()}, "breaches": breaches, "paused": int(paused // 60)}


def time_by_loops(organisation_id: int, first: date, rate: Decimal) -> dict[str, Any]:
    """A monthly quota's ledger of the month, and additional work priced per request and lateness."""
    by_kind: dict[str, int] = defaultdict(int)
    additional: dict[tuple[int | None, bool], int] = defaultdict(int)
    for entry in TimeEntry.objects.filter(organisation_id=organisation_id, period_start=first):
        by_kind[entry.kind] += entry.minutes
        if entry.kind == "additional":
            additional[(entry.billed_request_id, entry.late)] += entry.minutes
    units: dict[int | None, Decimal] = defaultdict(Decimal)
    request_units = dict(Ticket.objects.filter(organisation_id=organisation_id).values_list("pk", "business_unit_id"))
    for (request_id, _late), minutes in additional.items():
        amount = (Decimal(minutes) * rate / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        units[request_units.get(request_id)] += amount
    return {"by_kind": dict(by_kind), "units": dict(units), "total": sum(units.values(), Decimal("0.00"))}


def changes_by_loops(organisation_id: int, first: date, zone: ZoneInfo) -> dict[str, set[tuple[int, str]]]:
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(_next(first), time(0), tzinfo=zone)
    window_end = datetime.combine(_next(_next(first)), time(0), tzinfo=zone)
    found: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for change in Change.objects.filter(organisation_id=organisation_id).prefetch_related("environments"):
        done = change.actual_end is not None and start <= change.actual_end < end
        if change.state in ("implemented", "verified") and done:
            place = "implemented"
        elif change.state == "rolled_back" and done:
            place = "rolled_back"
        elif change.state == "scheduled" and change.planned_start and start <= change.planned_start < window_end:
            place = "scheduled"
        else:
            continue
        for environment in change.environments.all():
            found[str(environment.pk)].add((change.pk, place))
    return dict(found)
