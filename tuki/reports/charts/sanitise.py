"""Makes a pygal drawing safe and self-contained to inline in a page and in a PDF.

pygal styles its drawing with a ``<style>`` element and adds a ``<script>``. Tuki's pages allow no inline style
or script (Content-Security-Policy ``style-src 'self'``), and several charts on one page must not restyle each
other. So the stylesheet is applied here, once, as SVG presentation attributes (which no policy blocks and which
WeasyPrint reads too), and everything that is not drawing is dropped: scripts, comments, tooltips, ids, classes
and any reference outside the drawing.
"""

from __future__ import annotations

from xml.etree import ElementTree

import cssselect2
import tinycss2

# The CSS properties that SVG also takes as attributes; pygal's others (transitions, cursors) mean nothing here.
PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-opacity",
    "stroke-width",
    "stroke-dasharray",
    "opacity",
    "text-anchor",
    "font-size",
    "font-weight",
    "visibility",
    "display",
}
# pygal's tooltip machinery and the values it keeps for its script.
DROPPED_TAGS = {"script", "style", "desc", "title", "defs"}
DROPPED_CLASSES = {"tooltip-overlay", "overlay"}


def _declarations(rule: tinycss2.ast.QualifiedRule) -> list[tuple[str, str, bool]]:
    found = []
    for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True):
        if item.type == "declaration" and item.lower_name in PRESENTATION:
            found.append((item.lower_name, tinycss2.serialize(item.value).strip(), item.important))
    return found


def _matcher(css: str) -> cssselect2.Matcher:
    matcher = cssselect2.Matcher()
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type != "qualified-rule":
            continue
        declarations = _declarations(rule)
        if not declarations:
            continue
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:
            continue  # :hover and the like: nothing to do on paper
        for selector in selectors:
            if selector.pseudo_element is None:
                matcher.add_selector(selector, declarations)
    return matcher


def inline_styles(root: ElementTree.Element) -> None:
    """Apply the drawing's own stylesheet as attributes, with CSS's precedence (importance, specificity, order)."""
    css = "\n".join(style.text or "" for style in root.iter("style"))
    matcher = _matcher(css)
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        matches = matcher.match(wrapper)
        if not matches:
            continue
        cascade = sorted(
            (important, specificity, order, name, value)
            for specificity, order, _pseudo, declarations in matches
            for name, value, important in declarations
        )
        for _important, _specificity, _order, name, value in cascade:
            wrapper.etree_element.set(name, value)


def _drop(root: ElementTree.Element) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            classes = set((child.get("class") or "").split())
            if not isinstance(child.tag, str) or child.tag in DROPPED_TAGS or classes & DROPPED_CLASSES:
                parent.remove(child)


def _strip_attributes(root: ElementTree.Element) -> None:
    for element in root.iter():
        for name in list(element.attrib):
            local = name.rpartition("}")[2]
            if local in {"id", "class", "style"} or local.startswith("on") or local == "href":
                del element.attrib[name]


def sanitise(root: ElementTree.Element) -> ElementTree.Element:
    """pygal's xml_filters hook: called with the finished drawing, returns what is to be written."""
    inline_styles(root)
    _drop(root)
    _strip_attributes(root)
    return root
