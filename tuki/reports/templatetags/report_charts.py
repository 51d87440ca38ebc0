"""The report's charts in templates: ``{% load report_charts %}`` then
``{% report_chart figures "requests_per_week" %}`` for a figure (the SVG, a caption and the same numbers as a
table for screen readers and for those who prefer numbers) and ``{% report_chart_table figures "quota_trend" %}``
for the table alone."""

from __future__ import annotations

from typing import Any

from django import template

from tuki.reports.charts import Figures, chart_data, chart_svg, chart_table

register = template.Library()


@register.inclusion_tag("reports/_charts/figure.html")
def report_chart(figures: Figures, name: str) -> dict[str, Any]:
    data = chart_data(figures, name)
    return {
        "name": name,
        "title": data.title,
        "caption": data.caption,
        "svg": chart_svg(figures, name),
        "table": chart_table(figures, name),
    }


@register.inclusion_tag("reports/_charts/table.html")
def report_chart_table(figures: Figures, name: str) -> dict[str, Any]:
    return {"name": name, "table": chart_table(figures, name)}
