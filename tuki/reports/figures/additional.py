"""Additional work: the estimates approved in the month, and the costs by business unit taken from the invoicing
export's own lines (:func:`tuki.timesheets.invoicing.invoicing`), so that the report and the invoice agree to the
cent. The costs are those of the quota period holding the month (the month itself under a monthly quota)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from tuki.accounts.models import Role, User
from tuki.reports.figures.period import Month
from tuki.timesheets.invoicing import InvoiceLine, invoicing
from tuki.timesheets.models import Estimate, EstimateState, WorkKind

# The report is the supplier's account to the customer of all its work, whoever reads it later: it is read as the
# supplier's staff see it. An unsaved user that is never stored nor logged in.
SUPPLIER = User(role=Role.AGENT, full_name="", is_active=True)


def _lines(month: Month) -> list[InvoiceLine]:
    found: list[InvoiceLine] = []
    seen: set[int] = set()
    for part in month.parts:
        if part.agreement.pk in seen:
            continue
        seen.add(part.agreement.pk)
        lines = invoicing(SUPPLIER, part.start, month.organisation.pk).lines
        found += [line for line in lines if line.agreement.pk == part.agreement.pk and line.kind == WorkKind.ADDITIONAL]
    return found


def _estimates(month: Month) -> list[dict[str, Any]]:
    approved = (
        Estimate.objects.filter(
            ticket__organisation=month.organisation,
            state=EstimateState.APPROVED,
            decided_at__gte=month.start,
            decided_at__lt=month.until,
        )
        .select_related("ticket", "decided_by")
        .order_by("decided_at", "pk")
    )
    return [
        {
            "id": estimate.pk,
            "request_id": estimate.ticket_id,
            "reference": estimate.ticket.identifier,
            "subject": estimate.ticket.subject,
            "pricing": estimate.basis,
            "minutes": estimate.approved_minutes,
            "amount": f"{estimate.approved_amount or Decimal(0):.2f}",
            "approved_at": estimate.decided_at.isoformat() if estimate.decided_at else None,
            "approved_by": estimate.decided_by.full_name if estimate.decided_by else "",
        }
        for estimate in approved
    ]


def additional_figures(month: Month) -> dict[str, Any]:
    units: dict[str, dict[str, Any]] = defaultdict(lambda: {"minutes": 0, "amount": Decimal("0.00")})
    for line in _lines(month):
        unit = line.business_unit
        key = str(unit.pk) if unit is not None else ""
        row = units[key]
        row |= {"key": key, "label": unit.name if unit else "", "cost_centre": unit.cost_centre if unit else ""}
        row["minutes"] += line.billable_minutes
        row["amount"] += line.amount
    by_unit = sorted(units.values(), key=lambda row: (row["key"] == "", row["label"].casefold()))
    return {
        "estimates": _estimates(month),
        "by_business_unit": [row | {"amount": f"{row['amount']:.2f}"} for row in by_unit],
        "total_minutes": sum(row["minutes"] for row in by_unit),
        "total_amount": f"{sum((row['amount'] for row in by_unit), Decimal('0.00')):.2f}",
    }
