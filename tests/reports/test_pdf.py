"""The report's PDF, checked the way a reader meets it: rendered to text and to page images with Debian's
poppler-utils (pdftotext, pdftoppm). The expected pages, the page numbers, the supplier, the charts drawn, no
word past the margins, and nothing fetched from the network."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.template import Context, Template
from django.utils import translation
from PIL import Image

from tests.reports.sample_figures import empty_figures, sample_figures
from tuki.reports.charts.drawing import PALETTE
from tuki.reports.pdf import render_pdf, static_files_fetcher

SAMPLE = Path(__file__).parent / "templates" / "sample_report.html"
A4_WIDTH = 595.28  # points
SIDE_MARGIN = 16 / 25.4 * 72  # 16 mm, as in print.css
EXPECTED_PAGES = 3


def sample_html(figures: dict[str, Any], language: str) -> str:
    with translation.override(language):
        return Template(SAMPLE.read_text()).render(Context({"figures": figures, "LANGUAGE_CODE": language}))


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_pdf(sample_html(sample_figures(), "fi")))
    return path


def numbered(text: str, number: int, of: int) -> bool:
    """The footer's "3 / 5" (pdftotext may read the thin spaces around the slash as none)."""
    return re.search(rf"(?m)^.*\b{number} ?/ ?{of}\s*$", text) is not None


def pages_text(pdf: Path) -> list[str]:
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def test_every_page_is_numbered_and_names_the_supplier(sample_pdf: Path, settings: Any) -> None:
    info = run("pdfinfo", str(sample_pdf))
    assert re.search(rf"^Pages:\s+{EXPECTED_PAGES}$", info, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)  # structure for screen readers
    pages = pages_text(sample_pdf)
    assert len(pages) == EXPECTED_PAGES
    for number, text in enumerate(pages, start=1):
        assert numbered(text, number, EXPECTED_PAGES)
        assert settings.TUKI_SUPPLIER_NAME in text


def test_the_charts_are_drawn_with_their_labels(sample_pdf: Path, tmp_path: Path) -> None:
    text = "\n".join(pages_text(sample_pdf))
    for label in ("vko 45", "Avattu", "Vasteaika", "Kiintiöön sisältyy", "marras 2026", "Talous (4100)", "285,00 €"):
        assert label in text, label
    run("pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(sample_pdf), str(tmp_path / "page"))
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    bar = tuple(int(PALETTE[0][i : i + 2], 16) for i in (1, 3, 5))
    colours = page.getcolors(maxcolors=page.width * page.height) or []
    drawn = sum(count for count, colour in colours if max(abs(a - b) for a, b in zip(colour, bar, strict=True)) < 12)
    assert drawn > 2000, f"only {drawn} pixels of the first series' colour on page 1"


def test_no_word_runs_past_the_margins(sample_pdf: Path) -> None:
    """The long subject (a 100-letter identifier in it) and the breaches' explanations wrap inside the page."""
    xhtml = run("pdftotext", "-bbox", str(sample_pdf), "-")
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xhtml))  # noqa: S314  (pdftotext of our PDF)
    words = [(w.text, float(w.get("xMin", 0)), float(w.get("xMax", 0))) for w in root.iter() if w.tag.endswith("word")]
    assert len(words) > 400
    outside = [w for w in words if w[1] < SIDE_MARGIN - 1 or w[2] > A4_WIDTH - SIDE_MARGIN + 1]
    assert not outside, outside[:10]
    assert "MonthlyInvoiceRun" in xhtml  # the identifier is there, broken over lines


def test_an_empty_month_renders_with_no_data_in_each_chart(tmp_path: Path) -> None:
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(render_pdf(sample_html(empty_figures(), "en")))
    pages = pages_text(pdf)
    assert "\n".join(pages).count("No data for this month.") >= 4
    assert all(numbered(text, number, len(pages)) for number, text in enumerate(pages, start=1))


class _Counting(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.end_headers()
        self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def listening_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Counting.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_nothing_is_fetched_from_the_network_or_outside_the_static_files(listening_server: str) -> None:
    html = f"""<!DOCTYPE html><html><head><link rel="stylesheet" href="{listening_server}/x.css"></head><body>
      <img src="{listening_server}/image.svg"><img src="file:///etc/hostname"><img src="/static/../../settings.py">
      <img src="/static/tuki/img/logo.svg" alt=""><p>Hei</p></body></html>"""
    pdf = render_pdf(html, base_url=f"{listening_server}/")
    assert pdf.startswith(b"%PDF")
    assert _Counting.requests == []
    fetcher = static_files_fetcher()
    with pytest.raises(ValueError, match="only Tuki's own static files"):
        fetcher.fetch(f"{listening_server}/image.svg")
    with pytest.raises(ValueError, match="only Tuki's own static files"):
        fetcher.fetch("file:///etc/hostname")
    # The site's own address (or any other) under /static/ is read from disk, not asked for.
    logo = fetcher.fetch(f"{listening_server}/static/tuki/img/logo.svg")
    assert logo.content_type == "image/svg+xml" and b"<svg" in logo.read()
    assert _Counting.requests == []


def test_a_report_with_two_hundred_breaches_stays_readable(tmp_path: Path) -> None:
    pdf = tmp_path / "large.pdf"
    pdf.write_bytes(render_pdf(sample_html(sample_figures(breaches=200), "sv")))
    pages = pages_text(pdf)
    assert len(pages) > 10
    assert all(numbered(text, number, len(pages)) for number, text in enumerate(pages, start=1))
    assert "SR-1199" in pages[-1] or "SR-1199" in pages[-2]
    # The table's header repeats on every page the table runs onto, and each page of it begins with a breach,
    # never with the explanation line that belongs to the breach before.
    continued = [text.splitlines() for text in pages[1:] if "Tunnus" in text]
    assert len(continued) >= len(pages) - 4
    for lines in continued:
        after_header = lines[next(i for i, line in enumerate(lines) if "Tunnus" in line) + 1 :]
        assert next(line for line in after_header if line.strip()).strip().startswith("SR-")


def test_the_supplier_is_named_as_configured_quotes_and_all(settings: Any, tmp_path: Path) -> None:
    settings.TUKI_SUPPLIER_NAME = 'Ohjelmisto "Paras" \\ Oy'
    pdf = tmp_path / "supplier.pdf"
    pdf.write_bytes(render_pdf("<!DOCTYPE html><html lang='fi'><body><h1>Raportti</h1></body></html>"))
    text = run("pdftotext", str(pdf), "-")
    assert 'Ohjelmisto "Paras" \\ Oy' in text
    assert numbered(text, 1, 1)
