"""The report's people and places: org A with two business units, two environments and contacts of each kind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.reports.months import HELSINKI, at
from tuki.accounts.models import BusinessUnit, Contact, Organisation, User
from tuki.accounts.services import business_unit_create, contact_create
from tuki.environments.models import Environment
from tuki.environments.services import environment_create

__all__ = ["HELSINKI", "at"]


@pytest.fixture
def it_unit(org_a: Organisation) -> BusinessUnit:
    return business_unit_create(organisation=org_a, name="Tietohallinto", cost_centre="4100")


@pytest.fixture
def aila(org_a: Organisation, it_unit: BusinessUnit) -> Contact:
    return contact_create(
        organisation=org_a, email="aila@org-a.example", full_name="Aila Aho", business_unit=it_unit, password=PASSWORD
    )


@pytest.fixture
def environments_a(agent: User, org_a: Organisation) -> list[Environment]:
    return [
        environment_create(actor=agent, organisation=org_a, name="Intranet, tuotanto"),
        environment_create(actor=agent, organisation=org_a, name="Intranet, testi"),
    ]


@pytest.fixture
def people_a(anna: User, aaro: Contact, aila: Contact) -> list[Contact]:
    return [anna.contact, aaro, aila]


@pytest.fixture
def _everything(agreement_a: Any, environments_a: Any, people_a: Any) -> None:
    return None
