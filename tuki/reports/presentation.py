"""A report's figures as the reader reads them: labels in their language, dates and times as objects for the
template's locale formats, notes and the summary in plain words. Everything here is made at reading time; the
snapshot itself stays language-neutral."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuki.agreements.models import Priority
from tuki.changes.models import ChangeKind
from tuki.core.durations import format_minutes
from tuki.tickets.models import Channel, Kind, State
from tuki.timesheets.models import EstimateBasis

BREACHES_SHOWN = 100  # the page lists the breaches missed by the most; the downloads have every one
CODE_LABELS: dict[str, Any] = {
    "by_priority": Priority,
    "by_type": Kind,
    "by_channel": Channel,
}


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(type(choices.values[0])(value)).label)
    except (ValueError, TypeError):
        return str(value)


def summary(figures: dict[str, Any]) -> str:
    """ "12 requests, all answered in time; 14 h 30 min of 20 h used", in the active language."""
    requests = figures["requests"]
    parts = [ngettext("%(count)d request", "%(count)d requests", requests["opened"]) % {"count": requests["opened"]}]
    total = sum(row["response_total"] for row in figures["sla"]["by_priority"])
    met = sum(row["response_met"] for row in figures["sla"]["by_priority"])
    if total and met == total:
        parts[0] += ", " + _("all answered in time")
    elif total:
        late = total - met
        parts[0] += ", " + ngettext(
            "%(late)d of %(total)d answered late", "%(late)d of %(total)d answered late", late
        ) % {"late": late, "total": total}
    quota = figures["quota"]
    if figures["agreements"] and quota["included_minutes"]:
        parts.append(
            _("%(used)s of %(included)s used")
            % {
                "used": format_minutes(quota["maintenance_minutes"]),
                "included": format_minutes(quota["included_minutes"]),
            }
        )
    return "; ".join(parts)


def note_text(note: dict[str, Any]) -> str:
    params = note.get("params", {})
    day = params.get("day")
    texts = {
        "no_agreement": _("There was no agreement in force this month: no quota, SLA targets or costs to report."),
        "agreement_began": _("The agreement came into force in the middle of the month, on %(day)s."),
        "agreement_changed": _("The agreement changed in the middle of the month: the new terms apply from %(day)s."),
        "agreement_ended": _("The agreement ended in the middle of the month, on %(day)s."),
        "quota_period": _("The quota is counted per %(kind)s: its figures are those of the whole period."),
        "month_in_progress": _("The month is not over: the figures are those known so far."),
        "no_environments": _("No environments are recorded for the customer: there are no changes to report."),
        "explanations_limited": _(
            "%(breaches)s targets were missed; the %(shown)s missed by the most are explained here, the others on "
            "their requests' pages."
        ),
        "sla_recomputed": _(
            "The SLA of %(reference)s was recomputed after the previous version of this report: its figures differ."
        ),
    }
    text = texts.get(note.get("code", ""), note.get("code", ""))
    kind = {"quarter": _("quarter"), "year": _("year"), "month": _("month")}.get(params.get("kind", ""), "")
    values = {"day": _day_text(day), "kind": kind, "reference": params.get("reference", "")}
    values |= {"shown": params.get("shown", ""), "breaches": params.get("breaches", "")}
    return text % values if "%(" in text else text


def _day_text(day: str | None) -> str:
    return formats.date_format(date.fromisoformat(day), "SHORT_DATE_FORMAT") if day else ""


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _rows(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    choices = CODE_LABELS.get(name)
    found = []
    for row in rows:
        label = row["label"] or (_label(choices, row["key"]) if choices else "") or _("(none)")
        found.append(row | {"label": label})
    return found


def document(figures: dict[str, Any]) -> dict[str, Any]:
    """The context of ``reports/document.html``: the figures with labels, dates and amounts ready to show."""
    requests = figures["requests"]
    dimensions = [
        (name, title, _rows(name, requests[name]))
        for name, title in (
            ("by_priority", _("By priority")),
            ("by_type", _("By type")),
            ("by_channel", _("By channel")),
            ("by_environment", _("By environment")),
            ("by_business_unit", _("By business unit")),
            ("by_requester", _("By requester")),
        )
    ]
    sla_rows = []
    for row in figures["sla"]["by_priority"]:
        sla_rows.append(
            row
            | {
                "label": _label(Priority, row["priority"]),
                "response_percent": _percent(row["response_met"], row["response_total"]),
                "resolution_percent": _percent(row["resolution_met"], row["resolution_total"]),
            }
        )
    shown = sorted(figures["sla"]["breaches"], key=lambda row: -row["late_minutes"])[:BREACHES_SHOWN]
    breaches = [
        row
        | {
            "priority_label": _label(Priority, row["priority"]),
            "target_label": _("Response time") if row["target"] == "response" else _("Resolution time"),
            "due_at": _moment(row["due"]),
            "done_at": _moment(row["done"]),
            "late": format_minutes(row["late_minutes"]),
        }
        for row in shown
    ]
    oldest = [
        row
        | {
            "created": _moment(row["created_at"]),
            "state_label": _label(State, row["state"]),
            "priority_label": _label(Priority, row["priority"]),
        }
        for row in requests["oldest_open"]
    ]
    weeks = [row | {"week": date.fromisoformat(row["week_start"])} for row in requests["per_week"]]
    quota = figures["quota"]
    trend = [row | {"first": date.fromisoformat(row["month"])} for row in quota["trend"]]
    additional = figures["additional"]
    estimates = [
        row
        | {
            "approved": _moment(row["approved_at"]),
            "amount_value": Decimal(row["amount"]),
            "pricing_label": _label(EstimateBasis, row["pricing"]),
        }
        for row in additional["estimates"]
    ]
    units = [
        row | {"amount_value": Decimal(row["amount"]), "label": row["label"] or _("(none)")}
        for row in additional["by_business_unit"]
    ]
    changes = []
    for row in figures["changes"]["by_environment"]:
        lists = {
            name: [
                change
                | {
                    "kind_label": _label(ChangeKind, change["kind"]),
                    "start": _moment(change["window_start"]),
                    "done": _moment(change["done_at"]),
                }
                for change in row[name]
            ]
            for name in ("implemented", "rolled_back", "scheduled")
        }
        changes.append({"label": row["label"] or _("(none)"), **lists})
    return {
        "figures": figures,
        "month": date.fromisoformat(figures["month"]),
        "summary": summary(figures),
        "notes": [note_text(note) for note in figures["notes"]],
        "agreements": [
            row
            | {
                "start_day": date.fromisoformat(row["start"]),
                "end_day": date.fromisoformat(row["end"]),
                "rate": Decimal(row["hourly_rate"]),
            }
            for row in figures["agreements"]
        ],
        "requests": requests,
        "dimensions": dimensions,
        "oldest": oldest,
        "weeks": weeks,
        "sla_rows": sla_rows,
        "breaches": breaches,
        "breaches_hidden": max(0, len(figures["sla"]["breaches"]) - len(breaches)),
        "paused": format_minutes(figures["sla"]["paused_minutes"]),
        "quota": quota,
        "quota_start": date.fromisoformat(quota["period_start"]),
        "quota_end": date.fromisoformat(quota["period_end"]),
        "trend": trend,
        "estimates": estimates,
        "units": units,
        "total_amount": Decimal(additional["total_amount"]),
        "changes": changes,
    }


def _percent(met: int, total: int) -> int | None:
    return None if not total else met * 100 // total
