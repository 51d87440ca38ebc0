"""What each chart of the monthly report shows, read from the report's figures (the agreed shape, see
``tuki.reports.figures``) and worded in the active language.

One ``ChartData`` feeds the drawing, its text alternative and its table, so the three always tell the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.utils import formats
from django.utils.translation import gettext as _

from tuki.agreements.models import Priority
from tuki.core.durations import format_minutes

Unit = Literal["count", "percent", "hours", "money"]
Figures = Mapping[str, Any]

CURRENCY_SIGNS = {"EUR": "€"}


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per category; None where there is nothing to measure


@dataclass(frozen=True)
class ChartData:
    name: str
    title: str
    caption: str
    categories: tuple[str, ...]
    category_heading: str
    series: tuple[Series, ...]
    unit: Unit
    horizontal: bool = False
    currency: str = "EUR"
    axis_labels: tuple[str, ...] = ()  # shorter names of the categories under the bars, when they need them

    @property
    def empty(self) -> bool:
        # Nothing but zeros is no data either (a month without requests), except for shares, where 0 % is a result.
        nothing = (None,) if self.unit == "percent" else (None, 0)
        return not self.categories or all(value in nothing for s in self.series for value in s.values)

    def format(self, value: float | None) -> str:
        """A value as the reader's locale writes it; a dash where there is nothing to measure."""
        if value is None:
            return "–"
        if self.unit == "percent":
            return _("%(percent)s %%") % {"percent": formats.number_format(round(value), 0, use_l10n=True)}
        if self.unit == "hours":
            return format_minutes(round(value * 60))
        if self.unit == "money":
            amount = formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)
            return f"{amount} {CURRENCY_SIGNS.get(self.currency, self.currency)}"
        return formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)

    def format_tick(self, value: float) -> str:
        """A scale mark: whole hours read "20 h" rather than "20 h 0 min", whole euros "300 €"."""
        if self.unit == "hours":
            return _("%(hours)d h") % {"hours": round(value)}
        if self.unit == "money" and value == round(value):
            amount = formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)
            return f"{amount} {CURRENCY_SIGNS.get(self.currency, self.currency)}"
        return self.format(value)

    def description(self) -> str:
        """The whole chart in words: its text alternative for those who cannot see it."""
        if self.empty:
            return _("No data for this month.")
        lines = []
        for index, category in enumerate(self.categories):
            values = ", ".join(f"{s.name} {self.format(s.values[index])}" for s in self.series)
            lines.append(f"{category}: {values}")
        return "; ".join(lines) + "."

    def rows(self) -> list[tuple[str, list[str]]]:
        return [
            (category, [self.format(series.values[index]) for series in self.series])
            for index, category in enumerate(self.categories)
        ]


def _percent(met: int, total: int) -> float | None:
    return None if not total else 100 * met / total


def _hours(minutes: int) -> float:
    return minutes / 60


def _month_label(iso: str, style: str = "YEAR_MONTH_FORMAT") -> str:
    return formats.date_format(date.fromisoformat(iso), style)


def requests_per_week(figures: Figures) -> ChartData:
    weeks = figures.get("requests", {}).get("per_week", [])
    labels = [_("wk %(week)d") % {"week": date.fromisoformat(w["week_start"]).isocalendar().week} for w in weeks]
    return ChartData(
        name="requests_per_week",
        title=_("Requests per week"),
        caption=_("Requests opened and resolved in each week that touches the month."),
        categories=tuple(labels),
        category_heading=_("Week"),
        series=(
            Series(_("Opened"), tuple(float(w["opened"]) for w in weeks)),
            Series(_("Resolved"), tuple(float(w["resolved"]) for w in weeks)),
        ),
        unit="count",
    )


def _priority_label(value: int) -> str:
    return str(Priority(value).label) if value in Priority.values else str(value)


def sla_by_priority(figures: Figures) -> ChartData:
    rows = sorted(figures.get("sla", {}).get("by_priority", []), key=lambda row: row["priority"])
    labels = [_priority_label(row["priority"]) for row in rows]
    return ChartData(
        name="sla_by_priority",
        title=_("Service level met by priority"),
        caption=_("Share of response and resolution targets met, in per cent, by priority."),
        categories=tuple(labels),
        category_heading=_("Priority"),
        series=(
            Series(_("Response time"), tuple(_percent(r["response_met"], r["response_total"]) for r in rows)),
            Series(_("Resolution time"), tuple(_percent(r["resolution_met"], r["resolution_total"]) for r in rows)),
        ),
        unit="percent",
    )


def quota_trend(figures: Figures) -> ChartData:
    months = figures.get("quota", {}).get("trend", [])
    return ChartData(
        name="quota_trend",
        title=_("Maintenance quota over seven months"),
        caption=_("Hours included in the quota, maintenance hours used and help desk hours, month by month."),
        categories=tuple(_month_label(m["month"]) for m in months),
        axis_labels=tuple(_month_label(m["month"], "N Y") for m in months),
        category_heading=_("Month"),
        series=(
            Series(_("Included in the quota"), tuple(_hours(m["included_minutes"]) for m in months)),
            Series(_("Maintenance used"), tuple(_hours(m["maintenance_minutes"]) for m in months)),
            Series(_("Help desk / on-call services"), tuple(_hours(m["help_desk_minutes"]) for m in months)),
        ),
        unit="hours",
    )


def costs_by_business_unit(figures: Figures) -> ChartData:
    units = figures.get("additional", {}).get("by_business_unit", [])

    def label(unit: Mapping[str, Any]) -> str:
        name = unit["label"] or _("No business unit")
        return f"{name} ({unit['cost_centre']})" if unit.get("cost_centre") else name

    return ChartData(
        name="costs_by_business_unit",
        title=_("Additional costs by business unit"),
        caption=_("Approved additional work of the month, by the business unit that pays for it."),
        categories=tuple(label(u) for u in units),
        category_heading=_("Business unit"),
        series=(Series(_("Additional costs"), tuple(float(Decimal(u["amount"])) for u in units)),),
        unit="money",
        horizontal=True,
        currency=figures.get("currency", "EUR"),
    )


CHARTS: dict[str, Callable[[Figures], ChartData]] = {
    "requests_per_week": requests_per_week,
    "sla_by_priority": sla_by_priority,
    "quota_trend": quota_trend,
    "costs_by_business_unit": costs_by_business_unit,
}
CHART_NAMES: Sequence[str] = tuple(CHARTS)


def chart_data(figures: Figures, name: str) -> ChartData:
    if name not in CHARTS:
        raise ValueError(f"No chart named {name!r}; the charts are {', '.join(CHART_NAMES)}.")
    return CHARTS[name](figures)
