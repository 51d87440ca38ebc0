"""What a request page needs to show its SLA clocks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import translation

from tuki.sla.explain import STATE_LABELS, ClockView, clock_views
from tuki.tickets.deadlines import sla_status, stored_state
from tuki.tickets.models import Ticket


def ticket_clocks(ticket: Ticket, now: datetime) -> list[ClockView]:
    language = translation.get_language() or "fi"
    return clock_views(sla_status(ticket, now, language[:2]), ticket.created_at)


def sla_rows(tickets: Iterable[Ticket], now: datetime) -> list[dict[str, Any]]:
    """List rows with each request's SLA badge, from the stored deadlines alone (cheap for every row)."""
    rows = []
    for ticket in tickets:
        state, due = stored_state(ticket, now)
        rows.append({"ticket": ticket, "sla": state, "sla_label": STATE_LABELS[state] if state else "", "due": due})
    return rows
