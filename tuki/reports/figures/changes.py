"""Changes to the customer's environments: implemented (or implemented and verified) and rolled back in the month,
by the end of their work; scheduled ones whose window starts in the month or the next. A change to several
environments is listed under each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from tuki.changes.models import Change, ChangeState
from tuki.environments.models import Environment
from tuki.reports.figures.period import Month, next_month

IMPLEMENTED = (ChangeState.IMPLEMENTED, ChangeState.VERIFIED)
LISTS = ("implemented", "rolled_back", "scheduled")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _list_of(change: Change) -> str:
    if change.state in IMPLEMENTED:
        return "implemented"
    return "rolled_back" if change.state == ChangeState.ROLLED_BACK else "scheduled"


def change_figures(month: Month) -> dict[str, Any]:
    environments: dict[str, dict[str, Any]] = {
        str(environment.pk): {"key": str(environment.pk), "label": environment.name, **{name: [] for name in LISTS}}
        for environment in Environment.objects.filter(organisation=month.organisation).order_by("name", "pk")
    }
    window_end = datetime.combine(next_month(next_month(month.first)), datetime.min.time(), tzinfo=month.zone)
    done = Q(actual_end__gte=month.start, actual_end__lt=month.until)
    changes = (
        Change.objects.filter(organisation=month.organisation)
        .filter(
            Q(state__in=IMPLEMENTED) & done
            | Q(state=ChangeState.ROLLED_BACK) & done
            | Q(state=ChangeState.SCHEDULED, planned_start__gte=month.start, planned_start__lt=window_end)
        )
        .prefetch_related("environments")
        .order_by("actual_end", "planned_start", "pk")
    )
    unplaced: dict[str, Any] = {"key": "", "label": "", **{name: [] for name in LISTS}}
    for change in changes:
        row = {
            "id": change.pk,
            "reference": change.identifier,
            "title": change.title,
            "kind": change.kind,
            "window_start": _iso(change.planned_start),
            "window_end": _iso(change.planned_end),
            "done_at": _iso(change.actual_end),
        }
        places = [environments[str(e.pk)] for e in change.environments.all() if str(e.pk) in environments]
        for place in places or [unplaced]:
            place[_list_of(change)].append(row)
    found = list(environments.values())
    if any(unplaced[name] for name in LISTS):
        found.append(unplaced)
    return {"by_environment": found, "environment_count": len(environments)}
