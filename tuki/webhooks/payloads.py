"""The bodies of webhook messages: only what a contact of the object's organisation may see.

One body per event, the same for the organisation's subscriptions and the supplier's: no internal notes (they are
never an event here), no assignee, no internal flags or search data; the fields are the ones the portal shows.
Shaped as the Standard Webhooks specification suggests: ``{"type", "timestamp", "data"}``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from tuki.changes.models import Change
from tuki.reports.models import MonthlyReport
from tuki.tickets.models import Ticket, TicketEvent


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _organisation(ticket_or_change: Ticket | Change) -> dict[str, Any]:
    return {"id": ticket_or_change.organisation_id, "name": ticket_or_change.organisation.name}


def request_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.identifier,
        # The customer desk's own ticket number: what its integration looks its ticket up by.
        "external_reference": ticket.external_reference,
        "organisation": _organisation(ticket),
        "subject": ticket.subject,
        "description": ticket.description,
        "type": ticket.kind,
        "priority": ticket.priority,
        "state": ticket.state,
        "channel": ticket.channel,
        "requester": ticket.requester.user.full_name,
        "environment": ticket.environment.name if ticket.environment_id and ticket.environment else None,
        "created_at": _when(ticket.created_at),
        "updated_at": _when(ticket.updated_at),
        "resolved_at": _when(ticket.resolved_at),
        "first_response_due": _when(ticket.first_response_due),
        "resolution_due": _when(ticket.resolution_due),
        "url": settings.TUKI_BASE_URL + reverse("portal:ticket", args=[ticket.identifier]),
    }


def reply_data(event: TicketEvent) -> dict[str, Any]:
    author = event.actor
    return {
        "author": author.full_name if author else None,
        "from_supplier": bool(author and author.is_supplier_staff),
        "body": event.body,
        "created_at": _when(event.created_at),
    }


def change_data(change: Change) -> dict[str, Any]:
    return {
        "id": change.identifier,
        "organisation": _organisation(change),
        "title": change.title,
        "description": change.description,
        "kind": change.kind,
        "state": change.state,
        "environments": [environment.name for environment in change.environments.all()],
        "planned_start": _when(change.planned_start),
        "planned_end": _when(change.planned_end),
        "actual_end": _when(change.actual_end),
        "outcome": change.outcome,
        "url": settings.TUKI_BASE_URL + reverse("portal:change", args=[change.identifier]),
    }


def report_data(report: MonthlyReport) -> dict[str, Any]:
    month = f"{report.month:%Y-%m}"
    return {
        "organisation": {"id": report.organisation_id, "name": report.organisation.name},
        "month": month,
        "version": report.version,
        "reason": report.reason,
        "made_at": _when(report.made_at),
        "url": settings.TUKI_BASE_URL + reverse("portal:report", args=[month]) + f"?version={report.version}",
    }


def envelope(event_type: str, timestamp: datetime, data: dict[str, Any]) -> str:
    """The body as sent and signed: compact JSON, keys in a stable order."""
    message = {"type": event_type, "timestamp": timestamp.isoformat(), "data": data}
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
