"""A report's HTML made into a PDF with WeasyPrint, with the print stylesheet and the supplier's name and logo.

Rendering never touches the network: the only files a document may use are Tuki's own static files, read from
disk, and ``data:`` URLs. Anything else (http, https, other files) is refused and simply left out, so a
document that names an outside image cannot make the worker fetch it or read a file it should not.
"""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join

PRINT_STYLESHEET = "reports/print.css"
LOGO = "tuki/img/logo.svg"  # the same mark as in every page's header (core/base.html)


def _static_file(name: str) -> Path | None:
    """A static file by its name under STATIC_URL: collected (possibly hashed) in STATIC_ROOT, or in an app."""
    try:
        if settings.STATIC_ROOT:
            collected = Path(safe_join(str(settings.STATIC_ROOT), name))
            if collected.is_file():
                return collected
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    return Path(found) if isinstance(found, str) else None


@cache
def _weasyprint() -> tuple[Any, type]:
    """WeasyPrint, imported when the first PDF is made rather than when a process starts: with its fonts and
    layout engine it holds some 35 MB, which every web worker would carry for pages that are never PDFs."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        """Serves Tuki's static files from disk, whatever host the document's base URL names; refuses the rest."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            static_path = urlsplit(settings.STATIC_URL).path
            if parts.scheme in {"http", "https", "file"} and parts.path.startswith(static_path):
                found = _static_file(unquote(parts.path.removeprefix(static_path)))
                if found is not None:
                    content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": content_type})
            raise ValueError(f"A report reads only Tuki's own static files; not {url}")

    return weasyprint, StaticFilesOnly


def static_files_fetcher() -> Any:
    """WeasyPrint's URL fetcher that reads only Tuki's static files (and ``data:`` URLs)."""
    return _weasyprint()[1]()


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def page_stylesheet() -> str:
    """The parts of the page that come from settings: the supplier's name and logo in every page's header."""
    logo = staticfiles_storage.url(LOGO)
    name = _css_string(settings.TUKI_SUPPLIER_NAME)
    return f'@page {{ @top-left {{ content: {name}; background-image: url("{logo}"); }} }}'


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of a report's HTML (a whole document). Relative URLs resolve against ``base_url``, by default
    the site's own address, and are read from the static files."""
    weasyprint = _weasyprint()[0]
    fetcher = static_files_fetcher()
    base = base_url or settings.TUKI_BASE_URL.rstrip("/") + "/"
    print_css = _static_file(PRINT_STYLESHEET)
    if print_css is None:
        raise FileNotFoundError(f"The print stylesheet {PRINT_STYLESHEET} is missing from the static files.")
    stylesheets = [
        weasyprint.CSS(filename=str(print_css), url_fetcher=fetcher),
        weasyprint.CSS(string=page_stylesheet(), base_url=base, url_fetcher=fetcher),
    ]
    # Tagged: a screen reader follows the headings, tables and the charts' text alternatives (at no cost in time).
    pdf = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, pdf_tags=True
    )
    assert pdf is not None  # noqa: S101  (write_pdf returns the bytes when given no target)
    return bytes(pdf)
