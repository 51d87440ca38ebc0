"""Calendars and agreements: bad input is refused naming the field, and nothing is saved half-way."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import TARGETS, WORKWEEK
from tuki.agreements.calendars import engine_for
from tuki.agreements.models import Agreement, CalendarHours, ServiceCalendar
from tuki.agreements.public_holidays import holiday_names
from tuki.agreements.services import agreement_save, calendar_save


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"weekly": []}, "hours", "ei ole lainkaan työaikaa"),
        ({"weekly": [(0, time(8), time(12)), (0, time(11), time(16))]}, "hours", "päällekkäin"),
        ({"weekly": [(0, time(16), time(8))]}, "hours", "päättyy ennen kuin se alkaa"),
        ({"weekly": [(0, time(8), None), (0, time(9), time(10))]}, "hours", "päällekkäin"),
        ({"exceptions": [(date(2026, 12, 23), None, time(12))]}, "exceptions", "aukeamisaika"),
        ({"exceptions": [(date(2026, 12, 23), time(12), time(8))]}, "exceptions", "päättyy ennen"),
        ({"timezone": "Europe/Tampere"}, "timezone", "aikavyöhyke"),
        ({"holiday_country": "XX"}, "holiday_country", "XX"),
    ],
)
def test_bad_calendar_is_refused_naming_the_field(
    manager: Any, changes: dict[str, Any], field: str, words: str
) -> None:
    arguments: dict[str, Any] = {"actor": manager, "name": "Broken", "weekly": WORKWEEK} | changes
    with pytest.raises(ValidationError) as error:
        calendar_save(**arguments)
    assert field in error.value.message_dict
    assert words in " ".join(error.value.message_dict[field])
    assert not ServiceCalendar.objects.filter(name="Broken").exists()
    assert not CalendarHours.objects.exists()


def test_only_managers_change_calendars_and_agreements(agent: Any, anna: Any, office_hours: Any, org_a: Any) -> None:
    for someone in (agent, anna):
        with pytest.raises(PermissionDenied):
            calendar_save(actor=someone, name="Mine", weekly=WORKWEEK)
        with pytest.raises(PermissionDenied):
            agreement_save(actor=someone, organisation=org_a, service_calendar=office_hours, targets=TARGETS)


def test_bad_target_rolls_back_the_whole_agreement(manager: Any, org_a: Any, office_hours: Any) -> None:
    with pytest.raises(ValidationError):
        agreement_save(actor=manager, organisation=org_a, service_calendar=office_hours, targets={1: (0, 60)})
    assert not Agreement.objects.exists()


def test_finnish_holidays_include_the_eves(db: Any) -> None:
    names = holiday_names("FI", [2026], "fi")
    assert names[date(2026, 12, 24)] == "Jouluaatto"
    assert names[date(2026, 6, 19)] == "Juhannusaatto"
    assert names[date(2026, 12, 6)] == "Itsenäisyyspäivä"


def test_engine_follows_calendar_changes(manager: Any, office_hours: Any) -> None:
    before = engine_for(office_hours, date(2026, 12, 1))
    calendar_save(actor=manager, name="Office hours", weekly=[(0, time(9), time(10))], calendar=office_hours)
    office_hours.refresh_from_db()
    after = engine_for(office_hours, date(2026, 12, 1))
    assert before is not after
    assert after.is_open(datetime.fromisoformat("2026-12-07T09:30:00+02:00"))
    assert not after.is_open(datetime.fromisoformat("2026-12-08T09:30:00+02:00"))


def _calendar_post(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Admin calendar",
        "timezone": "Europe/Helsinki",
        "holiday_country": "FI",
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "08:00",
        "hours-0-closes": "12:00",
        "hours-1-weekday": "0",
        "hours-1-opens": "11:00",
        "hours-1-closes": "16:00",
        "exceptions-TOTAL_FORMS": "0",
        "exceptions-INITIAL_FORMS": "0",
    }
    return data | overrides


def test_admin_refuses_overlapping_hours_and_saves_nothing(client: Client, manager: Any) -> None:
    client.force_login(manager)
    response = client.post("/admin/agreements/servicecalendar/add/", _calendar_post())
    assert response.status_code == 200
    assert "Maanantai: 08:00–12:00 ja 11:00–16:00 ovat päällekkäin." in response.content.decode()
    assert not ServiceCalendar.objects.filter(name="Admin calendar").exists()


def test_admin_refuses_unknown_time_zone(client: Client, manager: Any) -> None:
    client.force_login(manager)
    response = client.post(
        "/admin/agreements/servicecalendar/add/", _calendar_post(timezone="Mars/Olympus", **{"hours-1-opens": "12:00"})
    )
    assert response.status_code == 200
    assert "Tuntematon aikavyöhyke" in response.content.decode()
    assert not ServiceCalendar.objects.filter(name="Admin calendar").exists()


def test_admin_saves_a_good_calendar(client: Client, manager: Any) -> None:
    client.force_login(manager)
    response = client.post("/admin/agreements/servicecalendar/add/", _calendar_post(**{"hours-1-opens": "12:00"}))
    assert response.status_code == 302
    assert ServiceCalendar.objects.get(name="Admin calendar").hours.count() == 2
