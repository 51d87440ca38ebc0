"""The report's charts: well-formed SVG with a text alternative, nothing active or outside in it, the figures'
numbers drawn and told, in each language, and a clear "no data" for an empty month."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.browser_fixtures import AXE
from tests.reports.sample_figures import empty_figures, sample_figures
from tuki.core.middleware import POLICY
from tuki.reports.charts import CHART_NAMES, chart_data, chart_svg, chart_table
from tuki.reports.charts.drawing import INK, PALETTE, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"
LANGUAGES = ["fi", "sv", "en"]


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)  # noqa: S314  (our own drawing, not outside input)


def bar_lengths(root: ElementTree.Element, colour: str, *, horizontal: bool) -> list[float]:
    return [
        float(rect.get("width" if horizontal else "height", 0))
        for group in root.iter(f"{SVG}g")
        if group.get("fill") == colour
        for rect in group.iter(f"{SVG}rect")
        if rect.get("width") != "12"
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", CHART_NAMES)
def test_a_chart_is_svg_with_a_text_alternative_and_nothing_active(name: str, language: str) -> None:
    with translation.override(language):
        markup = str(chart_svg(sample_figures(), name))
        data = chart_data(sample_figures(), name)
        description = data.description()
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == data.title
    assert desc is not None and desc.text == description
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert not tags & {"script", "style", "a", "image", "foreignObject", "use"}, tags
    attributes = {name.rpartition("}")[2] for element in root.iter() for name in element.attrib}
    assert not {"style", "class", "href"} & attributes
    assert not any(name.startswith("on") for name in attributes)
    # The namespace is the one URL: no stylesheet, font or script is fetched from anywhere.
    assert re.findall(r"https?://[^\"' ]+", markup) == ["http://www.w3.org/2000/svg"]


def test_the_bars_are_as_long_as_the_figures_say() -> None:
    figures = sample_figures()
    with translation.override("fi"):
        weeks = parse(str(chart_svg(figures, "requests_per_week")))
        costs = parse(str(chart_svg(figures, "costs_by_business_unit")))
    opened = [week["opened"] for week in figures["requests"]["per_week"]]
    drawn = bar_lengths(weeks, PALETTE[0], horizontal=False)
    assert len(drawn) == len(opened)
    assert [round(h / max(drawn), 3) for h in drawn] == [round(v / max(opened), 3) for v in opened]
    amounts = [float(unit["amount"]) for unit in figures["additional"]["by_business_unit"]]
    drawn = bar_lengths(costs, PALETTE[0], horizontal=True)
    assert sorted(round(w / max(drawn), 3) for w in drawn) == sorted(round(a / max(amounts), 3) for a in amounts)


def test_a_horizontal_chart_reads_top_down_in_the_figures_order() -> None:
    figures = sample_figures()
    units = ["Talous (4100)", "Henkilöstöhallinto (4200)", "Asiakaspalvelu"]
    root = parse(str(chart_svg(figures, "costs_by_business_unit")))
    labels = [text for text in root.iter(f"{SVG}text") if text.text in units]
    assert [text.text for text in sorted(labels, key=lambda text: float(text.get("y", 0)))] == units


def test_the_numbers_are_told_in_the_readers_locale() -> None:
    figures = sample_figures()
    with translation.override("fi"):
        sla = chart_table(figures, "sla_by_priority")
        costs = chart_table(figures, "costs_by_business_unit")
        quota = chart_table(figures, "quota_trend")
        weeks = str(chart_svg(figures, "requests_per_week"))
    assert sla.headings == ["Prioriteetti", "Vasteaika", "Ratkaisuaika"]
    # High: 6 of 7 responses and 5 of 6 resolutions in time; Low had nothing to resolve.
    assert ("Korkea", ["86\u00a0%", "83\u00a0%"]) in sla.rows
    assert sla.rows[-1][1][1] == "–"
    assert ("Talous (4100)", ["285,00 €"]) in costs.rows
    assert quota.rows[-1] == ("marraskuu 2026", ["20 t", "14 t 30 min", "4 t"])
    assert "vko 45" in weeks and "Avattu" in weeks
    with translation.override("en"):
        assert ("High", ["86%", "83%"]) in chart_table(figures, "sla_by_priority").rows
        assert ("Talous (4100)", ["285.00 €"]) in chart_table(figures, "costs_by_business_unit").rows
    with translation.override("sv"):
        assert "v. 45" in str(chart_svg(figures, "requests_per_week"))
        assert chart_table(figures, "quota_trend").headings[1] == "Ingår i kvoten"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", CHART_NAMES)
def test_an_empty_month_says_there_is_no_data(name: str, language: str) -> None:
    with translation.override(language):
        root = parse(str(chart_svg(empty_figures(), name)))
        table = chart_table(empty_figures(), name)
        expected = {"fi": "Ei tietoja tältä kuukaudelta.", "sv": "Inga uppgifter för den här månaden."}
    no_data = expected.get(language, "No data for this month.")
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert no_data in texts
    assert table.rows == [] and table.empty_text == no_data


def test_text_from_the_figures_is_text_not_markup() -> None:
    figures = sample_figures()
    figures["additional"]["by_business_unit"][0]["label"] = '<script>alert("x")</script>'
    markup = str(chart_svg(figures, "costs_by_business_unit"))
    assert "<script" not in markup
    assert any("alert" in (text.text or "") for text in parse(markup).iter(f"{SVG}text"))


def test_the_template_tag_makes_a_figure_with_caption_and_table() -> None:
    template = Template('{% load report_charts %}{% report_chart figures "quota_trend" %}')
    with translation.override("en"):
        html = template.render(Context({"figures": sample_figures()}))
    assert html.lstrip().startswith('<figure class="report-chart report-chart-quota_trend">')
    assert "<svg" in html and "<figcaption><strong>Maintenance quota over seven months.</strong>" in html
    assert '<th scope="row">November 2026</th>' in html
    assert html.count("<svg") == 1


def test_an_unknown_chart_is_refused() -> None:
    with pytest.raises(ValueError, match="No chart named"):
        chart_svg(sample_figures(), "pie")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(colour: str, background: str = "#ffffff") -> float:
    lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_colours_meet_wcag_aa_on_white() -> None:
    assert contrast(INK) >= 4.5  # text
    assert all(contrast(colour) >= 3 for colour in PALETTE), [round(contrast(c), 2) for c in PALETTE]


def test_scale_marks_are_round() -> None:
    assert nice_ticks(8) == [0, 2, 4, 6, 8]
    assert nice_ticks(22) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(285) == [0, 100, 200, 300]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(1) == [0, 1]


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_figures_show_inline_under_the_sites_policy_and_pass_axe(browser, tmp_path, language: str) -> None:
    """Tuki's pages allow no inline style or script: the charts must draw in colour all the same, and
    axe-core's WCAG 2.1 A/AA rules (text alternatives, contrast) must find nothing."""
    tags = "".join(f'{{% report_chart figures "{name}" %}}' for name in CHART_NAMES)
    with translation.override(language):
        body = Template("{% load report_charts %}" + tags).render(Context({"figures": sample_figures()}))
    # The site's own policy, less frame-ancestors, which a <meta> cannot carry (the browser says so).
    policy = POLICY.replace("frame-ancestors 'none'; ", "")
    path = tmp_path / "charts.html"
    path.write_text(
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}"><title>Raportti</title></head>'
        f"<body><main><h1>Raportti</h1>{body}</main></body></html>"
    )
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.goto(path.as_uri())
    assert problems == []
    heights = page.locator("figure svg").evaluate_all("svgs => svgs.map(svg => svg.getBoundingClientRect().height)")
    assert len(heights) == len(CHART_NAMES) and min(heights) > 100
    bar = page.locator(f'figure svg g[fill="{PALETTE[0]}"] rect').first
    assert bar.evaluate("rect => getComputedStyle(rect).fill") == "rgb(11, 79, 108)"
    context.close()

    checking = browser.new_context(bypass_csp=True)  # to inject axe, as the other browser tests do
    page = checking.new_page()
    page.goto(path.as_uri())
    page.add_script_tag(path=str(AXE[-1]))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    checking.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []
