"""Durations typed as people write them in Finnish, Swedish and English, and shown back the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tuki.core.durations import parse_minutes
from tuki.core.forms import MinutesField, MinutesInput
from tuki.sla.explain import format_duration

WRITTEN = {
    "en": {
        "40 h": 2400,
        "2 d": 2880,
        "1 h 30 min": 90,
        "90 min": 90,
        "1:30": 90,
        "1.5 h": 90,
        "2 days 4 hours": 3120,
        "1h30m": 90,
        "1 hour and 15 minutes": 75,
        "  45   MIN ": 45,
    },
    "fi": {
        "40 t": 2400,
        "2 pv": 2880,
        "1 t 30 min": 90,
        "1,5 t": 90,
        "90 min": 90,
        "1:30": 90,
        "3 tuntia": 180,
        "1 vrk": 1440,
        "1 t ja 15 min": 75,
        "2 päivää": 2880,
    },
    "sv": {
        "40 h": 2400,
        "2 d": 2880,
        "1 tim 30 min": 90,
        "1,5 h": 90,
        "90 min": 90,
        "1:30": 90,
        "3 timmar": 180,
        "1 dygn": 1440,
        "1 tim och 15 min": 75,
        "2 dagar": 2880,
    },
}


@pytest.mark.parametrize(
    ("language", "text", "minutes"),
    [(language, text, minutes) for language, cases in WRITTEN.items() for text, minutes in cases.items()],
)
def test_parses_what_people_write(language: str, text: str, minutes: int) -> None:
    with translation.override(language):
        assert MinutesField().clean(text) == minutes


ERRORS = {
    "": {"en": "Enter a duration", "fi": "Anna kesto", "sv": "Ange en tid"},
    "-2 h": {"en": "cannot be negative", "fi": "ei voi olla negatiivinen", "sv": "kan inte vara negativ"},
    "0 min": {"en": "longer than zero", "fi": "yli nolla", "sv": "längre än noll"},
    "0:00": {"en": "longer than zero", "fi": "yli nolla", "sv": "längre än noll"},
    "soon": {"en": "Write the duration as", "fi": "Kirjoita kesto", "sv": "Skriv tiden som"},
    "2 weeks": {"en": "Write the duration as", "fi": "Kirjoita kesto", "sv": "Skriv tiden som"},
    "1 h 1 h": {"en": "Write the duration as", "fi": "Kirjoita kesto", "sv": "Skriv tiden som"},
    "1 h 30": {"en": "Write the duration as", "fi": "Kirjoita kesto", "sv": "Skriv tiden som"},
    "1:75": {"en": "Write the duration as", "fi": "Kirjoita kesto", "sv": "Skriv tiden som"},
    "2400": {"en": "2400 min, 2400 h or 2400 d?", "fi": "2400 min, 2400 t vai 2400 pv?", "sv": "2400 h eller"},
    "366 d": {"en": "At most 365 d", "fi": "Enintään 365 pv", "sv": "Högst 365 d"},
    "0.01 h": {"en": "whole minutes", "fi": "kokonaisia minuutteja", "sv": "hela minuter"},
}


@pytest.mark.parametrize(("text", "language"), [(text, language) for text in ERRORS for language in ("en", "fi", "sv")])
def test_bad_input_is_refused_in_the_users_language(text: str, language: str) -> None:
    with translation.override(language), pytest.raises(ValidationError) as refused:
        MinutesField().clean(text)
    with translation.override(language):
        assert ERRORS[text][language] in " ".join(refused.value.messages)


def test_a_year_is_the_limit() -> None:
    assert parse_minutes("365 d") == 365 * 24 * 60
    assert parse_minutes("8760 h") == 365 * 24 * 60


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (2400, {"en": "40 h", "fi": "40 t", "sv": "40 h"}),
        (90, {"en": "1 h 30 min", "fi": "1 t 30 min", "sv": "1 h 30 min"}),
        (45, {"en": "45 min", "fi": "45 min", "sv": "45 min"}),
        (2880, {"en": "48 h", "fi": "48 t", "sv": "48 h"}),
    ],
)
def test_a_stored_value_is_shown_as_people_write_it(minutes: int, shown: dict[str, str]) -> None:
    for language, text in shown.items():
        with translation.override(language):
            assert MinutesInput().format_value(minutes) == text
            assert MinutesField().clean(text) == minutes


def test_typed_text_comes_back_as_typed() -> None:
    # A refused entry is shown again as the user wrote it, not reinterpreted.
    assert MinutesInput().format_value("2400") == "2400"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_field_and_the_sla_explanations_agree(language: str) -> None:
    with translation.override(language):
        for minutes in [*range(1, 181), 479, 480, 961, 2400, 2880, 10_079]:
            shown = format_duration(timedelta(minutes=minutes))
            assert MinutesInput().format_value(minutes) == shown
            assert MinutesField().clean(shown) == minutes
