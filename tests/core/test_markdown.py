"""User Markdown is rendered and sanitised; the known XSS tricks of other help desks do not survive."""

from __future__ import annotations

import pytest

from tuki.core.markdown import render_markdown


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
