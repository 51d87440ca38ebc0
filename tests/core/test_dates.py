"""A page's date formatter writes exactly what Django's own formatting writes, in every language and zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import formats, timezone, translation

from tuki.core.dates import datetime_formatter

# Every hour across both of 2026's daylight saving changes in Helsinki and New York, and a plain winter week.
STARTS = (datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC))
MOMENTS = [start + timedelta(minutes=37 * step) for start in STARTS for step in range(400)]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("zone", ["Europe/Helsinki", "America/New_York", "UTC"])
@pytest.mark.parametrize("format_name", ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT", "r"])
def test_the_formatter_writes_what_date_format_writes(language: str, zone: str, format_name: str) -> None:
    with translation.override(language), timezone.override(zone):
        formatter = datetime_formatter(format_name)
        for moment in MOMENTS:
            assert formatter(moment) == formats.date_format(timezone.localtime(moment), format_name)
