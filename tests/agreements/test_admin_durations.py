"""SLA targets in the agreement admin are typed and shown as durations ("4 h", "1 t 30 min"), stored as minutes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import speaks
from tuki.accounts.models import User
from tuki.agreements.models import Agreement


def _form(agreement: Agreement, times: dict[int, tuple[str, str]]) -> dict[str, Any]:
    targets = list(agreement.targets.order_by("priority"))
    data: dict[str, Any] = {
        "organisation": agreement.organisation_id,
        "name": agreement.name,
        "valid_from": "2025-01-01",
        "service_calendar": agreement.service_calendar_id,
        "includes_on_call": "on",
        "on_call_calendar": agreement.on_call_calendar_id,
        "reopen_window_days": "14",
        "quota_hours": "20",
        "quota_period": agreement.quota_period,
        "hourly_rate": "95.00",
        "contact_visibility": agreement.contact_visibility,
        "carry_over": "none",
        "carry_over_cap_hours": "0",
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": str(len(targets)),
        "targets-MIN_NUM_FORMS": "1",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for index, target in enumerate(targets):
        response, resolution = times[target.priority]
        data |= {
            f"targets-{index}-id": target.pk,
            f"targets-{index}-agreement": agreement.pk,
            f"targets-{index}-priority": target.priority,
            f"targets-{index}-first_response_minutes": response,
            f"targets-{index}-resolution_minutes": resolution,
        }
    return data


def _shown(html: str, index: int, name: str) -> str:
    match = re.search(
        rf'name="targets-{index}-{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="targets-{index}-{name}"', html
    )
    assert match, f"targets-{index}-{name} not in the form"
    return match[1] or match[2]


@pytest.mark.parametrize(
    ("language", "first", "fourth"),
    [
        ("fi", ("30 min", "4 t"), ("8 t", "40 t")),
        ("sv", ("30 min", "4 h"), ("8 h", "40 h")),
        ("en", ("30 min", "4 h"), ("8 h", "40 h")),
    ],
)
def test_the_change_form_shows_targets_as_durations(
    client: Client,
    manager: User,
    agreement_a: Agreement,
    language: str,
    first: tuple[str, str],
    fourth: tuple[str, str],
) -> None:
    client.force_login(speaks(manager, language))
    html = client.get(f"/admin/agreements/agreement/{agreement_a.pk}/change/").content.decode()
    assert (_shown(html, 0, "first_response_minutes"), _shown(html, 0, "resolution_minutes")) == first
    assert (_shown(html, 3, "first_response_minutes"), _shown(html, 3, "resolution_minutes")) == fourth
    assert "2400" not in html


@pytest.mark.parametrize(
    ("language", "times"),
    [
        ("fi", {1: ("15 min", "1 t 30 min"), 2: ("1 t", "1 pv"), 3: ("1:30", "2 pv"), 4: ("8 t", "40 t")}),
        ("sv", {1: ("15 min", "1 tim 30 min"), 2: ("1 h", "1 d"), 3: ("1:30", "2 d"), 4: ("8 h", "40 h")}),
        ("en", {1: ("15 min", "1 h 30 min"), 2: ("1 h", "1 d"), 3: ("90 min", "2 d"), 4: ("8 h", "40 h")}),
    ],
)
def test_targets_typed_as_durations_are_stored_as_minutes(
    client: Client, manager: User, agreement_a: Agreement, language: str, times: dict[int, tuple[str, str]]
) -> None:
    client.force_login(speaks(manager, language))
    url = f"/admin/agreements/agreement/{agreement_a.pk}/change/"
    response = client.post(url, _form(agreement_a, times))
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = {t.priority: (t.first_response_minutes, t.resolution_minutes) for t in agreement_a.targets.all()}
    assert stored == {1: (15, 90), 2: (60, 1440), 3: (90, 2880), 4: (480, 2400)}
    # And back again: the form shows what was stored the way it is written in this language.
    html = client.get(url).content.decode()
    hour = "t" if language == "fi" else "h"
    assert _shown(html, 0, "resolution_minutes") == f"1 {hour} 30 min"
    assert _shown(html, 2, "resolution_minutes") == f"48 {hour}"


@pytest.mark.parametrize(
    ("language", "message"),
    [("fi", "Lisää yksikkö: 2400 min, 2400 t vai 2400 pv?"), ("sv", "Lägg till en enhet"), ("en", "Add a unit")],
)
def test_a_bad_target_is_refused_and_nothing_is_saved(
    client: Client, manager: User, agreement_a: Agreement, language: str, message: str
) -> None:
    client.force_login(speaks(manager, language))
    times = {1: ("30 min", "2 h"), 2: ("1 h", "8 h"), 3: ("4 h", "16 h"), 4: ("8 h", "2400")}
    response = client.post(f"/admin/agreements/agreement/{agreement_a.pk}/change/", _form(agreement_a, times))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="2400"' in html  # shown again as typed
    assert agreement_a.targets.get(priority=4).resolution_minutes == 2400
    assert agreement_a.targets.get(priority=1).resolution_minutes == 240  # the valid row was not saved either
