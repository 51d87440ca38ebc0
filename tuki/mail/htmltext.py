"""HTML mail bodies: a readable text version, and sanitised HTML for the agents' view.

The text version comes from a small tokenizer of our own rather than html.parser: that one takes time with the
square of the input on unclosed markup ("<a <a <a ..."), and mail is written by strangers. Every step here
moves forward through the input, so the time grows with its length only.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from html import unescape

from tuki.core.markdown import sanitise
from tuki.mail.decoding import clean_text

# nh3 takes time with the square of the nesting depth and of the number of ampersands; real mail stays far
# below both limits, and past them only the text version is kept.
MAX_HTML_DEPTH = 5000  # mail113 of the corpus, a real mail, nests 1,500 deep
MAX_HTML_AMPERSANDS = 50_000
MAX_QUOTE_DEPTH = 10  # deeper blockquotes are quoted at this depth, so the text cannot grow with the square

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")
_SPACES = re.compile(r"\s+")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps every index in place
# Elements that hold no content, or that HTML closes by itself when the next one starts.
_NOT_NESTING = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track"),
    *("wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"),
}
_SKIPPED = {"script", "style", "head", "title", "template", "noscript"}
_BREAKS = {"br", "div", "li", "tr", "dt", "dd", "hr", "section", "article", "header", "footer", "address"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote"}


class _Text:
    """Lines of text with their blockquote depth, built tag by tag."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self.buffer: list[str] = []
        self.depth = 0
        self.line_depth = 0
        self.pre = 0

    def newline(self, *, force: bool = False) -> None:
        if self.buffer or force:
            self.lines.append((self.line_depth, "".join(self.buffer).rstrip()))
        self.buffer = []
        self.line_depth = self.depth

    def start(self, tag: str) -> None:
        if tag == "br":
            self.newline(force=True)
        elif tag in _BREAKS or tag in _PARAGRAPHS:
            self.newline()
            self.depth += tag == "blockquote"
            self.pre += tag == "pre"
            self.line_depth = self.depth
            if tag == "li":
                self.buffer.append("- ")
        elif tag in ("td", "th") and self.buffer:
            self.buffer.append("\t")

    def end(self, tag: str) -> None:
        if tag in _BREAKS or tag in _PARAGRAPHS:
            self.newline()
            if tag in _PARAGRAPHS:
                self.lines.append((self.depth, ""))
            self.depth = max(0, self.depth - (tag == "blockquote"))
            self.pre = max(0, self.pre - (tag == "pre"))
            self.line_depth = self.depth

    def data(self, data: str) -> None:
        data = unescape(data)
        if self.pre:
            first, *rest = data.split("\n")
            self.buffer.append(first)
            for line in rest:
                self.newline(force=True)
                self.buffer.append(line)
            return
        data = _SPACES.sub(" ", data)
        if not self.buffer:
            data = data.lstrip()
        if data:
            self.buffer.append(data)

    def text(self) -> str:
        self.newline()
        out: list[str] = []
        for depth, line in self.lines:
            quoted = ("> " * min(depth, MAX_QUOTE_DEPTH) + line).rstrip() if depth else line
            if quoted or (out and out[-1]):
                out.append(quoted)
        return "\n".join(out).strip()


def _skip_to(lowered: str, position: int, *endings: str) -> int:
    """Where the first of ``endings`` starts after ``position``; the end of the text when none does."""
    found = [index for ending in endings if (index := lowered.find(ending, position)) != -1]
    return min(found) if found else len(lowered)


def html_to_text(html: str, check: Callable[[], None] | None = None) -> str:
    """Readable text of an HTML body: block elements become line breaks and blockquotes "> " quoting.

    ``check`` is called every few thousand tags, so a time bound can stop a huge body.
    """
    lowered = html.translate(_ASCII_LOWER)
    text = _Text()
    position, steps = 0, 0
    while position < len(html):
        steps += 1
        if check is not None and steps % 5000 == 0:
            check()
        opening = html.find("<", position)
        if opening == -1:
            text.data(html[position:])
            break
        if opening > position:
            text.data(html[position:opening])
        if html.startswith("<!--", opening):
            end = html.find("-->", opening + 4)
            position = len(html) if end == -1 else end + 3
            continue
        tag = _TAG.match(html, opening)
        if tag is None:
            if html.startswith(("<!", "<?"), opening):  # doctype, processing instruction, CDATA
                end = html.find(">", opening)
                position = len(html) if end == -1 else end + 1
            else:
                text.data("<")
                position = opening + 1
            continue
        name, position = tag[2].lower(), tag.end()
        if tag[1]:
            text.end(name)
        elif name in _SKIPPED and not tag[3]:
            position = _skip_to(lowered, position, f"</{name}", *(("<body",) if name == "head" else ()))
        else:
            text.start(name)
    return clean_text(text.text())


def _nesting(html: str) -> int:
    """A cheap over-estimate of how deep the elements nest."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match[3] or match[2].lower() in _NOT_NESTING:
            continue
        depth = max(0, depth - 1) if match[1] else depth + 1
        deepest = max(deepest, depth)
    return deepest


def safe_html(html: str) -> str | None:
    """Sanitised HTML without its <head> (nh3 would keep the <title> as text); None when too costly to clean."""
    if html.count("&") > MAX_HTML_AMPERSANDS or _nesting(html) > MAX_HTML_DEPTH:
        return None
    lowered = html.translate(_ASCII_LOWER)
    start = match.start() if (match := re.search(r"<head[\s>]", lowered)) else -1
    end = lowered.find("</head>", start)
    if start != -1 and end != -1:
        html = html[:start] + html[end + len("</head>") :]
    return sanitise(html)
