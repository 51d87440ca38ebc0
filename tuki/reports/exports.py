"""The rows under a report, from its snapshot, as CSV (one table with a section column) and XLSX (a sheet per
section). Column names are stable codes, like the invoicing export's, so that a spreadsheet reading them keeps
working whatever the reader's language."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from tuki.core.spreadsheets import SafeCsvWriter, Sheet, xlsx_bytes

REQUEST_DIMENSIONS = ("by_priority", "by_type", "by_channel", "by_environment", "by_business_unit", "by_requester")


def sheets(figures: dict[str, Any]) -> list[Sheet]:
    requests = figures["requests"]
    counts = [
        [name, row["key"], row["label"], row["opened"], row["resolved"], row["open_at_end"]]
        for name in REQUEST_DIMENSIONS
        for row in requests[name]
    ]
    counts += [["per_week", row["week_start"], "", row["opened"], row["resolved"], ""] for row in requests["per_week"]]
    sla = [
        [row["priority"], row["response_total"], row["response_met"], row["resolution_total"], row["resolution_met"]]
        for row in figures["sla"]["by_priority"]
    ]
    breaches = [
        [
            row["reference"],
            row["subject"],
            row["priority"],
            row["target"],
            row["due"],
            row["done"] or "",
            row["late_minutes"],
        ]
        for row in figures["sla"]["breaches"]
    ]
    trend = [
        [row["month"], row["included_minutes"], row["maintenance_minutes"], row["help_desk_minutes"]]
        for row in figures["quota"]["trend"]
    ]
    units = [
        [row["key"], row["label"], row["cost_centre"], row["minutes"], Decimal(row["amount"])]
        for row in figures["additional"]["by_business_unit"]
    ]
    estimates = [
        [
            row["reference"],
            row["subject"],
            row["pricing"],
            row["minutes"] or "",
            Decimal(row["amount"]),
            row["approved_at"] or "",
            row["approved_by"],
        ]
        for row in figures["additional"]["estimates"]
    ]
    changes = [
        [
            row["label"],
            name,
            change["reference"],
            change["title"],
            change["kind"],
            change["window_start"] or "",
            change["done_at"] or "",
        ]
        for row in figures["changes"]["by_environment"]
        for name in ("implemented", "rolled_back", "scheduled")
        for change in row[name]
    ]
    return [
        Sheet("requests", ["dimension", "key", "label", "opened", "resolved", "open_at_end"], counts),
        Sheet("sla", ["priority", "response_total", "response_met", "resolution_total", "resolution_met"], sla),
        Sheet("sla_breaches", ["request", "subject", "priority", "target", "due", "done", "late_minutes"], breaches),
        Sheet("quota_trend", ["month", "included_minutes", "maintenance_minutes", "help_desk_minutes"], trend),
        Sheet("costs", ["business_unit_id", "business_unit", "cost_centre", "minutes", "amount"], units),
        Sheet(
            "estimates", ["request", "subject", "pricing", "minutes", "amount", "approved_at", "approved_by"], estimates
        ),
        Sheet("changes", ["environment", "list", "change", "title", "kind", "window_start", "done_at"], changes),
    ]


def csv_text(figures: dict[str, Any]) -> str:
    """One table: each sheet's rows after its name, under the columns of the widest sheet."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(["section", "c1", "c2", "c3", "c4", "c5", "c6", "c7"])
    for sheet in sheets(figures):
        writer.writerow([sheet.title, *sheet.header])
        for row in sheet.rows:
            writer.writerow([sheet.title, *row])
    return buffer.getvalue()


def xlsx_content(figures: dict[str, Any]) -> bytes:
    return xlsx_bytes(sheets(figures))
