"""The glue between stored requests and the pure SLA clocks: build clocks, store deadlines, read states."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from django.utils import timezone

from tuki.agreements.calendars import engine_for
from tuki.sla.calendar import ExplainStep
from tuki.sla.clock import AT_RISK_SHARE, Clock, Pause, PauseStep, Reading, SlaState
from tuki.tickets.models import State, Ticket

STOPPED_STATES = {State.CLOSED, State.CANCELLED}


@dataclass(frozen=True)
class TicketClocks:
    first_response: Clock
    resolution: Clock


def clocks_for(ticket: Ticket, language: str = "fi") -> TicketClocks | None:
    """The request's two clocks, or None when no agreement or no target applies to it."""
    agreement = ticket.agreement
    if agreement is None:
        return None
    target = agreement.target_for(ticket.priority)
    if target is None:
        return None
    calendar = engine_for(agreement.calendar_for(ticket.priority), timezone.localdate(ticket.created_at), language)
    stored = ticket.pauses.all() if ticket.pk else []
    pauses = [Pause(p.started_at, p.ended_at, p.reason) for p in stored]
    return TicketClocks(
        first_response=Clock(calendar, ticket.created_at, target.first_response, pauses),
        resolution=Clock(calendar, ticket.created_at, target.resolution, pauses),
    )


def refresh_deadlines(ticket: Ticket, now: datetime) -> list[str]:
    """Recompute and set the stored deadlines on ``ticket`` (not saved); returns the changed field names."""
    clocks = clocks_for(ticket)
    if clocks is None:
        return set_deadlines(ticket, dict.fromkeys(_DEADLINE_FIELDS), now)
    values = {
        "first_response_due": clocks.first_response.deadline(),
        "first_response_warn_at": clocks.first_response.deadline(AT_RISK_SHARE),
        "resolution_due": clocks.resolution.deadline(),
        "resolution_warn_at": clocks.resolution.deadline(AT_RISK_SHARE),
    }
    return set_deadlines(ticket, values, now)


def set_deadlines(ticket: Ticket, values: Mapping[str, datetime | None], now: datetime) -> list[str]:
    """Store new deadline values on ``ticket`` (not saved); returns the changed field names."""
    changed = [name for name, value in values.items() if getattr(ticket, name) != value]
    for name in changed:
        setattr(ticket, name, values[name])
    # A deadline that moved into the future may warn again; one already passed keeps its claim.
    for flag, moment in _FLAGS.items():
        due = getattr(ticket, moment)
        if getattr(ticket, flag) and (due is None or due > now) and moment in changed:
            setattr(ticket, flag, False)
            changed.append(flag)
    return changed


def recompute_many(tickets: list[Ticket], now: datetime) -> list[tuple[Ticket, list[str]]]:
    """Recompute many requests' deadlines at once (after a calendar or agreement change).

    Requests that never paused (most of them) go through the engine's vectorised form, one batch per
    calendar; the few with pauses take the clock's own path.
    """
    results: list[tuple[Ticket, list[str]]] = []
    batches: dict[tuple[int, int], list[tuple[Ticket, timedelta, timedelta]]] = {}
    for ticket in tickets:
        agreement = ticket.agreement
        target = agreement.target_for(ticket.priority) if agreement else None
        if agreement is None or target is None or list(ticket.pauses.all()):
            results.append((ticket, refresh_deadlines(ticket, now)))
            continue
        calendar = agreement.calendar_for(ticket.priority)
        # The engine's holidays cover years around the request's start, as in clocks_for.
        key = (calendar.pk, timezone.localdate(ticket.created_at).year)
        batches.setdefault(key, []).append((ticket, target.first_response, target.resolution))
    for batch in batches.values():
        first = batch[0][0]
        assert first.agreement is not None  # noqa: S101 - batched only with an agreement
        engine = engine_for(first.agreement.calendar_for(first.priority), timezone.localdate(first.created_at))
        items = []
        for ticket, response, resolution in batch:
            start = ticket.created_at
            items += [(start, response), (start, response * AT_RISK_SHARE), (start, resolution)]
            items.append((start, resolution * AT_RISK_SHARE))
        deadlines = engine.add_business_time_many(items)
        for index, (ticket, _response, _resolution) in enumerate(batch):
            values = dict(zip(_DEADLINE_FIELDS, deadlines[index * 4 : index * 4 + 4], strict=True))
            results.append((ticket, set_deadlines(ticket, values, now)))
    return results


_DEADLINE_FIELDS = ("first_response_due", "first_response_warn_at", "resolution_due", "resolution_warn_at")
_FLAGS = {
    "first_response_warned": "first_response_warn_at",
    "first_response_breached": "first_response_due",
    "resolution_warned": "resolution_warn_at",
    "resolution_breached": "resolution_due",
}


@dataclass(frozen=True)
class SlaStatus:
    """What a request's page shows about one clock."""

    name: str  # "first_response" or "resolution"
    zone: tzinfo  # the agreement calendar's, in which times are shown
    reading: Reading
    target: timedelta
    explanation: list[ExplainStep | PauseStep]


def has_sla_outcome(ticket: Ticket) -> bool:
    """Whether the agreement's targets are measured for ``ticket``: not once it is cancelled (or merged)."""
    return ticket.state != State.CANCELLED


def sla_status(ticket: Ticket, now: datetime, language: str = "fi") -> list[SlaStatus]:
    clocks = clocks_for(ticket, language)
    if clocks is None:
        return []
    if not has_sla_outcome(ticket):
        void = Reading(SlaState.NO_OUTCOME, timedelta(0), timedelta(0), None)
        return [
            SlaStatus(name, clock.calendar.zone, void, clock.target, [])
            for name, clock in (("first_response", clocks.first_response), ("resolution", clocks.resolution))
        ]
    resolved_at = ticket.resolved_at if ticket.state in (State.RESOLVED, State.CLOSED) else None
    stopped_resolution = resolved_at or (ticket.closed_at if ticket.state in STOPPED_STATES else None)
    stopped_response = ticket.first_responded_at or (ticket.closed_at if ticket.state in STOPPED_STATES else None)
    return [
        SlaStatus(
            "first_response",
            clocks.first_response.calendar.zone,
            clocks.first_response.read(now, stopped_response),
            clocks.first_response.target,
            clocks.first_response.explain(),
        ),
        SlaStatus(
            "resolution",
            clocks.resolution.calendar.zone,
            clocks.resolution.read(now, stopped_resolution),
            clocks.resolution.target,
            clocks.resolution.explain(),
        ),
    ]


def stored_state(ticket: Ticket, now: datetime) -> tuple[SlaState | None, datetime | None]:
    """The resolution clock's state from the stored deadlines alone: cheap enough for every row of a list."""
    if ticket.state in (State.RESOLVED, State.CLOSED):
        met = ticket.resolution_due is None or (ticket.resolved_at or now) <= ticket.resolution_due
        return (SlaState.MET if met else SlaState.BREACHED), ticket.resolution_due
    if ticket.agreement_id is None:
        return None, None
    if not has_sla_outcome(ticket):
        return SlaState.NO_OUTCOME, None
    due = ticket.resolution_due
    if due is not None and due <= now:
        return SlaState.BREACHED, due
    if ticket.state == State.WAITING:
        return SlaState.PAUSED, None
    if ticket.resolution_warn_at is not None and ticket.resolution_warn_at <= now:
        return SlaState.AT_RISK, due
    return (SlaState.RUNNING if due else None), due
