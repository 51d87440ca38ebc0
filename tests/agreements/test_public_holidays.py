"""Public holidays are computed once from the library and read from the database afterwards."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tuki.agreements.models import PublicHolidays
from tuki.agreements.public_holidays import LANGUAGES, holiday_names, prepare_years, years_around
from tuki.agreements.tasks import holidays_prepare_job


def test_a_year_is_stored_in_every_language_and_read_back_from_the_rows(db: Any) -> None:
    assert holiday_names("fi", [2026], "sv")[date(2026, 12, 6)] == "Självständighetsdagen"
    rows = PublicHolidays.objects.filter(country="FI", year=2026)
    assert sorted(rows.values_list("language", flat=True)) == sorted(LANGUAGES)
    # What is asked next comes from the rows, not from the library: a changed row shows.
    row = rows.get(language="fi")
    row.names["2026-12-06"] = "Itsenäisyyspäivä (tallennettu)"
    row.save()
    assert holiday_names("FI", [2026], "fi")[date(2026, 12, 6)] == "Itsenäisyyspäivä (tallennettu)"
    assert PublicHolidays.objects.count() == len(LANGUAGES)


def test_only_missing_years_are_computed(db: Any) -> None:
    holiday_names("FI", [2026], "fi")
    PublicHolidays.objects.filter(year=2026, language="en").update(names={"2026-01-01": "Kept"})
    names = holiday_names("FI", [2026, 2027], "en")
    assert names[date(2026, 1, 1)] == "Kept"
    assert names[date(2027, 1, 1)] == "New Year's Day"
    assert PublicHolidays.objects.filter(country="FI").count() == 2 * len(LANGUAGES)


def test_an_unknown_country_is_refused_and_stores_nothing(db: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        holiday_names("XQ", [2026])
    assert "XQ" in str(refused.value.message_dict["holiday_country"])
    assert not PublicHolidays.objects.exists()


def test_the_nightly_job_stores_the_years_engines_need(office_hours: Any) -> None:
    PublicHolidays.objects.all().delete()
    holidays_prepare_job.call_local()
    years = set(PublicHolidays.objects.filter(country="FI", language="fi").values_list("year", flat=True))
    assert years == set(years_around(timezone.localdate()))
    prepare_years(["FI", "", "fi"], years_around(timezone.localdate()))  # nothing missing: nothing more
    assert PublicHolidays.objects.count() == len(years) * len(LANGUAGES)
