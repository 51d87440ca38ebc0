"""Shared fixtures. The people are named for who they are: `agent`, `manager`, `anna` (a contact of org A,
its customer manager), `aaro` (another contact of org A) and `bertil` (a contact of org B)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from huey.contrib import djhuey

from tests.second_step import VerifyingClient
from tuki.accounts.models import BusinessUnit, Contact, Organisation, User
from tuki.accounts.services import business_unit_create, contact_create, organisation_create, staff_create

# The real-browser fixtures (one Chromium for the whole run), for tests in any folder.
pytest_plugins = ["tests.browser_fixtures", "tests.object_storage"]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def client() -> VerifyingClient:
    """pytest-django's client, except that force_login also passes the second step for staff who owe one
    (with a real device enrolled through the services): tests of other things meet staff as they are after a
    complete login. Tests of the second step itself use django.test.Client."""
    return VerifyingClient()


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_immediately() -> Any:
    """Background jobs run in-process during tests, against the test database."""
    djhuey.HUEY.immediate = True
    yield


@pytest.fixture(autouse=True, scope="session")
def _mail_as_it_goes_out(django_test_environment: Any) -> Any:
    """The outbox holds the mail as production sends it: through Tuki's backend, free of remote resources."""
    from django.test import override_settings

    with override_settings(EMAIL_BACKEND="tuki.mail.backends.LocmemBackend"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _cache_of_its_own(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A test run keeps its cache files apart from those of a server running from the same checkout."""
    from django.conf import settings
    from django.test import override_settings

    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        caches = {
            alias: {**settings.CACHES[alias], "LOCATION": str(tmp_path_factory.mktemp(alias))}
            for alias in settings.CACHES
        }
        with override_settings(CACHES=caches):
            yield
    else:
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the default language, whatever the one before it activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache(_cache_of_its_own: Any) -> Any:
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def org_a(db: Any) -> Organisation:
    return organisation_create(name="Org A Oy", business_id="1111111-1")


@pytest.fixture
def org_b(db: Any) -> Organisation:
    return organisation_create(name="Org B Ab", business_id="2222222-2")


@pytest.fixture
def unit_a(org_a: Organisation) -> BusinessUnit:
    return business_unit_create(organisation=org_a, name="Finance")


@pytest.fixture
def unit_b(org_b: Organisation) -> BusinessUnit:
    return business_unit_create(organisation=org_b, name="Ekonomi")


@pytest.fixture
def anna(org_a: Organisation, unit_a: BusinessUnit) -> User:
    contact = contact_create(
        organisation=org_a,
        email="anna@org-a.example",
        full_name="Anna Asiakas",
        business_unit=unit_a,
        customer_manager=True,
        password=PASSWORD,
    )
    return contact.user


@pytest.fixture
def aaro(org_a: Organisation) -> Contact:
    return contact_create(organisation=org_a, email="aaro@org-a.example", full_name="Aaro Aalto", password=PASSWORD)


@pytest.fixture
def bertil(org_b: Organisation, unit_b: BusinessUnit) -> User:
    contact = contact_create(
        organisation=org_b,
        email="bertil@org-b.example",
        full_name="Bertil Berg",
        business_unit=unit_b,
        language="sv",
        password=PASSWORD,
    )
    return contact.user


@pytest.fixture
def agent(db: Any) -> User:
    return staff_create(email="agent@supplier.example", full_name="Aino Agentti", password=PASSWORD)


@pytest.fixture
def manager(db: Any) -> User:
    return staff_create(email="manager@supplier.example", full_name="Maija Manageri", manager=True, password=PASSWORD)


WORKWEEK = [(day, time(8), time(16)) for day in range(5)]
ROUND_THE_CLOCK = [(day, time(0), None) for day in range(7)]
# Priority: (first response, resolution) in minutes.
TARGETS = {1: (30, 240), 2: (60, 480), 3: (240, 960), 4: (480, 2400)}


@pytest.fixture
def office_hours(manager: User) -> Any:
    from tuki.agreements.services import calendar_save

    return calendar_save(actor=manager, name="Office hours", weekly=WORKWEEK)


@pytest.fixture
def on_call_hours(manager: User) -> Any:
    from tuki.agreements.services import calendar_save

    return calendar_save(actor=manager, name="On call 24/7", weekly=ROUND_THE_CLOCK, holiday_country="")


@pytest.fixture
def agreement_a(manager: User, org_a: Organisation, office_hours: Any, on_call_hours: Any) -> Any:
    from tuki.agreements.services import agreement_save

    return agreement_save(
        actor=manager,
        organisation=org_a,
        service_calendar=office_hours,
        includes_on_call=True,
        on_call_calendar=on_call_hours,
        targets=TARGETS,
        valid_from=date(2025, 1, 1),
        quota_hours=Decimal(20),
        hourly_rate=Decimal("95.00"),
    )


@pytest.fixture
def agreement_b(manager: User, org_b: Organisation, office_hours: Any) -> Any:
    from tuki.agreements.services import agreement_save

    return agreement_save(
        actor=manager, organisation=org_b, service_calendar=office_hours, targets=TARGETS, valid_from=date(2025, 1, 1)
    )


def speaks(user: Any, language: str) -> Any:
    """Set the user's saved language (it wins over the browser's) and return the user."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user
