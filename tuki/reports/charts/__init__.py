"""The monthly report's charts: requests per week, SLA met by priority, the quota's seven months and the
additional costs by business unit. Each is a pure function of the report's figures and the active language.

    chart_svg(figures, "quota_trend")    -> SafeString, SVG to inline in HTML and in the PDF
    chart_table(figures, "quota_trend")  -> ChartTable, the same numbers as a table
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from tuki.reports.charts.data import CHART_NAMES, ChartData, Figures, chart_data
from tuki.reports.charts.drawing import chart_svg as _draw

__all__ = ["CHART_NAMES", "ChartData", "ChartTable", "Figures", "chart_data", "chart_svg", "chart_table"]


@dataclass(frozen=True)
class ChartTable:
    caption: str
    headings: list[str]
    rows: list[tuple[str, list[str]]]  # (the row's heading, its cells)
    empty_text: str


def chart_svg(figures: Figures, name: str) -> SafeString:
    # Safe: made by our sanitiser from numbers and escaped text, with no script or outside reference.
    return mark_safe(_draw(chart_data(figures, name)))  # noqa: S308


def chart_table(figures: Figures, name: str) -> ChartTable:
    data = chart_data(figures, name)
    return ChartTable(
        caption=data.title,
        headings=[data.category_heading, *(series.name for series in data.series)],
        rows=[] if data.empty else data.rows(),
        empty_text=data.description() if data.empty else "",
    )
