"""Public holidays by country, year and language: read from the database, filled in from the holidays library.

The library imports every country it knows to answer for one, which would make each web worker hold about 10 MB
more for good. So a year's names are computed once, by whichever process first needs them (usually the worker's
nightly :func:`prepare_years` or the manager saving a calendar), and stored; everyone else reads rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuki.agreements.models import PublicHolidays

YEARS_BACK = 3
YEARS_AHEAD = 4
# Our languages -> the library's names for them (it has no Swedish-only or plain English variant for Finland).
LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


def years_around(today: date) -> range:
    """The years an engine built today knows the holidays of."""
    return range(today.year - YEARS_BACK, today.year + YEARS_AHEAD + 1)


def holiday_names(country: str, years: Iterable[int], language: str = "fi") -> dict[date, str]:
    """Public holidays of ``country`` with their names; raises ValidationError for an unknown country."""
    if not country:
        return {}
    country, years = country.upper(), sorted(set(years))
    stored = {
        row.year: row.names for row in PublicHolidays.objects.filter(country=country, language=language, year__in=years)
    }
    missing = [year for year in years if year not in stored]
    if missing:
        stored |= _fill(country, missing)[language if language in LANGUAGES else "en"]
    return dict(sorted((date.fromisoformat(day), name) for year in years for day, name in stored[year].items()))


def prepare_years(countries: Iterable[str], years: Iterable[int]) -> None:
    """Make sure the rows exist, so that no web worker has to import the library to build an engine."""
    years = sorted(set(years))
    for country in {country.upper() for country in countries if country}:
        have = set(PublicHolidays.objects.filter(country=country).values_list("year", "language"))
        missing = [year for year in years if any((year, language) not in have for language in LANGUAGES)]
        if missing:
            _fill(country, missing)


def _fill(country: str, years: list[int]) -> dict[str, dict[int, dict[str, str]]]:
    """Compute ``years`` in every language from the library and store them (a concurrent fill loses nothing)."""
    import holidays as holiday_data  # here only: see the module's docstring

    try:
        found = holiday_data.country_holidays(country, years=years)
    except NotImplementedError:
        raise ValidationError(
            {"holiday_country": _("Unknown country code %(code)s for public holidays.") % {"code": country}}
        ) from None
    computed: dict[str, dict[int, dict[str, str]]] = {}
    for language, wanted in LANGUAGES.items():
        named = found
        if wanted in getattr(found, "supported_languages", ()):
            named = holiday_data.country_holidays(country, years=years, language=wanted)
        by_year: dict[int, dict[str, str]] = {year: {} for year in years}
        for day, name in named.items():
            by_year[day.year][day.isoformat()] = name
        computed[language] = by_year
    PublicHolidays.objects.bulk_create(
        [
            PublicHolidays(country=country, year=year, language=language, names=names)
            for language, by_year in computed.items()
            for year, names in by_year.items()
        ],
        ignore_conflicts=True,
    )
    return computed
