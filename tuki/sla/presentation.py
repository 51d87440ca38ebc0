"""What a request page needs to show its SLA clocks."""

from __future__ import annotations

from datetime import datetime

from django.utils import translation

from tuki.sla.deadlines import sla_status
from tuki.sla.explain import ClockView, clock_views
from tuki.tickets.models import Ticket


def ticket_clocks(ticket: Ticket, now: datetime) -> list[ClockView]:
    language = translation.get_language() or "fi"
    return clock_views(sla_status(ticket, now, language[:2]), ticket.created_at)
