"""Markdown from users (replies, notes, handbook) to HTML that is safe to show.

Markdown is rendered first and the result is sanitised with nh3 (Ammonia) afterwards, so no Markdown
trick (a ``javascript:`` link split over lines, raw HTML, an ``onerror`` attribute) survives into the page.
"""

from __future__ import annotations

import threading

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise(html: str) -> str:
    """Keep harmless formatting only; links get rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    """One converter per thread: building one loads every extension, and a converter is not thread-safe."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=["extra", "sane_lists", "nl2br"], output_format="html")
        _local.converter = converter
    return converter


def render_markdown(text: str) -> SafeString:
    html = _converter().reset().convert(text)
    return mark_safe(sanitise(html))  # noqa: S308 - sanitised by nh3 just above
