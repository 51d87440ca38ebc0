"""Every note the figures can carry is worded in each language, with its parameters."""

from __future__ import annotations

import pytest
from django.utils import translation

from tuki.reports.presentation import note_text

NOTES = [
    {"code": "no_agreement", "params": {}},
    {"code": "agreement_began", "params": {"day": "2026-11-16"}},
    {"code": "agreement_changed", "params": {"day": "2026-11-16"}},
    {"code": "agreement_ended", "params": {"day": "2026-11-16"}},
    {"code": "quota_period", "params": {"kind": "quarter"}},
    {"code": "month_in_progress", "params": {"until": "2026-12-06T10:00:00+00:00"}},
    {"code": "no_environments", "params": {}},
    {"code": "explanations_limited", "params": {"shown": 50, "breaches": 2595}},
    {"code": "sla_recomputed", "params": {"reference": "SR-1042"}},
]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_note_is_worded(language: str) -> None:
    with translation.override(language):
        texts = [note_text(note) for note in NOTES]
    assert all("%(" not in text and not text.startswith(note["code"]) for text, note in zip(texts, NOTES, strict=True))
    assert "2595" in texts[7] and "SR-1042" in texts[8]
    assert "16" in texts[2] and "2026" in texts[2]
