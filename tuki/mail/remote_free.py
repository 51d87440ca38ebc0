"""HTML for outgoing mail with no remote resource in it: nothing a mail program would fetch when it shows the mail.

A web page is guarded by its Content-Security-Policy; a mail has none, so an image in a request's description
(``![x](https://evil.example/p.png?agent=1)``) would tell its author when and where each agent read the mail.
Every outgoing message passes :func:`without_remote_resources` on its way out (see :mod:`tuki.mail.backends`):
images become plain links with their alt text, and everything else that can load something (srcset,
background attributes, ``url()`` in a style, ``<link>``, ``<style>``, media, frames, SVG, comments that some
mail programs read as markup) is left out.

The document is rebuilt from an allowlist: only the tags and attributes named here are written back, text and
attribute values are escaped again, so whatever the input held, the output can hold nothing else. The input is
our own templates with the users' text escaped or sanitised by nh3 already, never a stranger's raw markup, so
html.parser's slowness on unclosed tags (see :mod:`tuki.mail.htmltext`) does not arise.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from tuki.core.markdown import ALLOWED_TAGS as MARKDOWN_TAGS

VOID_TAGS = {"br", "hr", "meta", "col", "wbr"}
TAGS = (MARKDOWN_TAGS - {"img"}) | VOID_TAGS | {"html", "head", "title", "body", "div", "span", "small", "center"}
TAGS |= {"caption", "colgroup", "tfoot", "u", "s", "dl", "dt", "dd", "kbd", "samp", "var", "q", "cite"}
# Their content is code or styling, not text to show.
SKIP_CONTENT = {"script", "style", "template"}
# Attributes that only say how something looks or reads; none of them names a resource.
ATTRIBUTES = {"title", "lang", "dir", "align", "valign", "width", "height", "style"}
TAG_ATTRIBUTES = {
    "a": {"href", "rel"},
    "meta": {"charset"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "table": {"border", "cellpadding", "cellspacing"},
    "ol": {"start"},
}
LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")
# A style is kept only when it calls no function but the colour ones: url(), image-set(), image(), element(),
# expression() and the like are what load something. Backslashes (CSS escapes), at-rules and comments could hide
# a call, so a style with any of them is dropped whole.
_STYLE_CALL = re.compile(r"([a-z-]*)\s*\(", re.IGNORECASE)
_STYLE_COLOURS = {"rgb", "rgba", "hsl", "hsla"}
_STYLE_FORBIDDEN = ("\\", "@", "/*", "<", "image", "url", "src")


def _style_is_local(value: str) -> bool:
    lowered = value.lower()
    if any(part in lowered for part in _STYLE_FORBIDDEN):
        return False
    return all(name in _STYLE_COLOURS for name in _STYLE_CALL.findall(lowered))


def _link(value: str) -> str | None:
    """A link target a mail may carry (it is only followed when the reader clicks), or None."""
    url = value.strip()
    return url if url.lower().startswith(LINK_SCHEMES) else None


class _Rewriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []
        self.links = 0  # how many <a> are open: an image inside a link becomes its alt text only

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype"):
            self.out.append("<!DOCTYPE html>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping or tag in SKIP_CONTENT:
            if tag in SKIP_CONTENT:
                self.skipping.append(tag)
            return
        if tag == "img":
            self.image(dict(attrs))
            return
        if tag not in TAGS:
            return  # the tag goes, its text stays
        allowed = ATTRIBUTES | TAG_ATTRIBUTES.get(tag, set())
        written = []
        for name, value in attrs:
            if name not in allowed or value is None:
                continue
            if name == "href" and (value := _link(value)) is None:
                continue
            if name == "style" and not _style_is_local(value):
                continue
            written.append(f' {name}="{escape(value)}"')
        self.out.append(f"<{tag}{''.join(written)}>")
        self.links += tag == "a"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and tag not in SKIP_CONTENT:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in TAGS and tag not in VOID_TAGS:
            self.out.append(f"</{tag}>")
            if tag == "a" and self.links:
                self.links -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data, quote=False))

    def image(self, attrs: dict[str, str | None]) -> None:
        """An image becomes a link to it, named by its alt text (or its address when it has none)."""
        alt = (attrs.get("alt") or "").strip()
        source = _link(attrs.get("src") or "")
        if source is None or self.links or not source.lower().startswith(("http://", "https://")):
            self.out.append(escape(alt, quote=False))
            return
        self.out.append(f'<a href="{escape(source)}">{escape(alt or source, quote=False)}</a>')

    # Comments (Outlook's conditional ones hold markup), processing instructions and CDATA sections go.
    def handle_comment(self, data: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass


def without_remote_resources(html: str) -> str:
    """``html`` with every image turned into a link and nothing left that loads a remote resource."""
    rewriter = _Rewriter()
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out)
