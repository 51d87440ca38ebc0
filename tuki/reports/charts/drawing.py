"""The report's charts drawn as SVG with pygal, to inline in the HTML page and in the PDF alike."""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from functools import cache
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from tuki.reports.charts.data import ChartData
from tuki.reports.charts.sanitise import sanitise

WIDTH = 720
HEIGHT = 300
EMPTY_HEIGHT = 120
INK = "#1b2430"
INK_SOFT = "#4a5565"
GRID = "#c9d1db"
# Each at least 3:1 against white (WCAG 2.1 non-text contrast), and told apart by lightness as well as hue.
PALETTE = ("#0b4f6c", "#b35c00", "#5b6b7f", "#1d6b3a")

STYLE = dict(
    background="transparent",
    plot_background="transparent",
    foreground=INK,
    foreground_strong=INK,
    foreground_subtle=INK_SOFT,
    colors=PALETTE,
    opacity="1",
    opacity_hover="1",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    guide_stroke_color=GRID,
    major_guide_stroke_color=GRID,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    no_data_font_size=18,
)


def nice_ticks(largest: float, *, count: int = 5) -> list[float]:
    """Round steps from zero past the largest value: 0, 2, 4, ... or 0, 50, 100, ..."""
    if largest <= 0:
        return [0, 1]
    raw = largest / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1:
        step = 1  # whole requests and whole hours
    top = math.ceil(largest / step) * step
    return [i * step for i in range(round(top / step) + 1)]


def _text_alternative(data: ChartData) -> Callable[[ElementTree.Element], ElementTree.Element]:
    """Names the drawing for assistive technology: role img, labelled by its title and described by its desc."""

    def label(root: ElementTree.Element) -> ElementTree.Element:
        prefix = f"chart-{data.name.replace('_', '-')}-{secrets.token_hex(4)}"
        title = ElementTree.Element("title", id=f"{prefix}-title")
        title.text = data.title
        desc = ElementTree.Element("desc", id=f"{prefix}-desc")
        desc.text = data.description()
        root.insert(0, desc)
        root.insert(0, title)
        root.set("role", "img")
        root.set("aria-labelledby", f"{prefix}-title")
        root.set("aria-describedby", f"{prefix}-desc")
        root.set("font-family", "inherit")  # the page's own font, on screen and on paper
        root.set("width", str(WIDTH))
        root.set("height", root.get("viewBox", f"0 0 {WIDTH} {HEIGHT}").split()[3])
        return root

    return label


@cache
def _pygal() -> Any:
    """pygal, imported when the first chart is drawn: a web worker that never shows a report need not hold it
    (Django loads every template tag library, and so this module, when the first page renders)."""
    import pygal
    import pygal.style

    return pygal


def _chart(data: ChartData) -> Any:
    pygal = _pygal()
    height = max(HEIGHT, 90 + 46 * len(data.categories)) if data.horizontal else HEIGHT
    kind = pygal.HorizontalBar if data.horizontal else pygal.Bar
    options: dict[str, Any] = {"height": height}
    if data.empty:
        # Only the words: a scale of repeated zeros would read as a measurement.
        options = {"height": EMPTY_HEIGHT, "show_y_labels": False, "show_x_labels": False, "show_y_guides": False}
    chart = kind(
        style=pygal.style.Style(**STYLE),
        width=WIDTH,
        no_prefix=True,
        js=[],
        disable_xml_declaration=True,
        show_legend=len(data.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=len(data.series),
        truncate_legend=-1,
        truncate_label=-1,
        print_values=False,
        spacing=12,
        margin=12,
        # The last mark of a horizontal chart's scale is centred on the plot's right edge: room for its text.
        margin_right=40 if data.horizontal else 12,
        no_data_text=_("No data for this month."),
        value_formatter=data.format_tick,
        **options,
    )
    chart.add_xml_filter(sanitise)
    chart.add_xml_filter(_text_alternative(data))
    if data.empty:
        return chart
    # pygal stacks a horizontal chart's bars from the bottom up: reversed, they read top down like the table.
    order = slice(None, None, -1) if data.horizontal else slice(None)
    chart.x_labels = list(data.axis_labels or data.categories)[order]
    largest = max((v for s in data.series for v in s.values if v is not None), default=0.0)
    ticks = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0] if data.unit == "percent" else nice_ticks(largest)
    chart.y_labels = ticks
    chart.range = (0, ticks[-1])
    for series in data.series:
        chart.add(series.name, list(series.values)[order])
    return chart


def chart_svg(data: ChartData) -> str:
    """SVG markup to inline in HTML or XHTML: no script, no stylesheet, no reference outside itself."""
    return str(_chart(data).render(is_unicode=True))
