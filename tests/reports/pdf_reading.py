"""Reading a PDF back as its text, with poppler-utils' pdftotext (as a reader's PDF viewer would show it)."""

from __future__ import annotations

import subprocess


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), content[:20]
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S603, S607
    return done.stdout.decode()
