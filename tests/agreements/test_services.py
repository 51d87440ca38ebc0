"""Writes of agreements refuse with messages a manager can read, and write nothing then."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import TARGETS
from tuki.agreements.models import Agreement
from tuki.agreements.services import agreement_save
from tuki.environments.models import Environment


def test_an_agreement_covers_only_its_customers_environments(
    manager: Any, org_a: Any, org_b: Any, office_hours: Any
) -> None:
    foreign = Environment.objects.create(organisation=org_b, name="Lönesystem")
    with pytest.raises(ValidationError) as error:
        agreement_save(
            actor=manager,
            organisation=org_a,
            service_calendar=office_hours,
            targets=TARGETS,
            valid_from=date(2025, 1, 1),
            environments=[foreign],
        )
    assert "environments" in error.value.message_dict
    assert not Agreement.objects.exists()
