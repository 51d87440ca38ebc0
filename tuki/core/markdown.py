"""Markdown from users (replies, notes, handbook) to HTML that is safe to show.

Markdown is rendered first and the result is sanitised with nh3 (Ammonia) afterwards, so no Markdown
trick (a ``javascript:`` link split over lines, raw HTML, an ``onerror`` attribute) survives into the page.
"""

from __future__ import annotations

import html
import re
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


# Most replies and descriptions are plain prose: no character that Markdown gives a meaning, no line that could
# open a list, heading, quote or code block, no trailing spaces (a hard break) and no whitespace other than spaces
# and newlines. For those the converter's output is known (paragraphs at blank lines, <br> at single newlines),
# and building it directly costs a tenth: a request page renders every message of the history each time.
# tests/core/test_markdown.py checks the two agree on generated text.
_NOT_PLAIN = re.compile(
    r"[\\`*_{}\[\]<>&|\x00-\x09\x0b-\x1f\x7f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
    r"| \n| $"
)
_BLOCK_START = re.compile(r"^ *(?:[-+*=:>#~\d]| {4})", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n(?: *\n)+")


def _plain_paragraphs(text: str) -> str | None:
    """The converter's HTML for plain prose, or None when ``text`` is not plain prose."""
    if not text.strip() or _NOT_PLAIN.search(text) or _BLOCK_START.search(text):
        return None
    paragraphs = []
    for block in _BLANK_LINES.split(text.strip("\n")):
        lines = block.split("\n")
        lines[0] = lines[0].lstrip(" ")
        paragraphs.append("<p>" + "<br>\n".join(html.escape(line, quote=False) for line in lines) + "</p>")
    return "\n".join(paragraphs)


def render_markdown(text: str) -> SafeString:
    converted = _plain_paragraphs(text)
    if converted is None:
        converted = _converter().reset().convert(text)
    return mark_safe(sanitise(converted))  # noqa: S308 - sanitised by nh3 just above
