"""User Markdown is rendered and sanitised; the known XSS tricks of other help desks do not survive."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuki.core.markdown import _converter, _plain_paragraphs, render_markdown, sanitise


def test_formatting_survives() -> None:
    html = render_markdown("**bold** and [link](https://example.com)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize(
    "attack",
    [
        "[click](javascript:alert(1))",
        "[click](javascript&#58;alert(1))",
        "[a](jav\nascript:alert(1))",  # the multi-line bypass of CVE-2021-3945
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="vbscript:msgbox(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_script_never_survives(attack: str) -> None:
    html = render_markdown(attack).lower()
    for bad in ("<script", "javascript:", "onerror", "vbscript:", "data:text/html", "<iframe", "style="):
        assert bad not in html


# Prose as people write it, with the characters that come close to Markdown's: the shortcut for plain prose
# must give exactly what the converter gives, or leave the text to the converter.
_PROSE = st.sampled_from(
    [*"aB äÖ.,;?!'\"/@%()€$\n-+:=#~0123456789é^\xa0\u2028\u200b\t\r😀ßÅ*_<>&", "  ", "    ", "\n\n", " \n"]
    + ["SR-12", "http://x.fi/a?b=c", "e-mail", "1. ", "Re: ", "- ", "> ", "===", "Hei,\n\nkiitos"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PROSE, max_size=30).map("".join))
def test_plain_prose_takes_the_shortcut_to_the_same_html(text: str) -> None:
    shortcut = _plain_paragraphs(text)
    if shortcut is not None:
        assert sanitise(shortcut) == sanitise(_converter().reset().convert(text))


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Tulostin ei tulosta.\nVirhe: E-1042 (SR-7).\n\nTerveisin Anna", True),
        ("Katso **tämä**", False),
        ("- yksi\n- kaksi", False),
        ("1. yksi", False),
        ("rivi  \nkatko", False),
        ("    koodia", False),
        ("", False),
    ],
)
def test_what_counts_as_plain_prose(text: str, plain: bool) -> None:
    assert (_plain_paragraphs(text) is not None) is plain
