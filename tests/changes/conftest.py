from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import translation

from tuki.accounts.models import Organisation, User
from tuki.changes.models import Change, ChangeKind
from tuki.changes.services import change_create
from tuki.environments.models import Component, ComponentKind, Environment, EnvironmentKind
from tuki.environments.services import component_add, environment_create

BUILT = datetime(2026, 1, 5, 9, tzinfo=UTC)
WINDOW = (datetime(2026, 3, 3, 18, tzinfo=UTC), datetime(2026, 3, 3, 20, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _messages_in_english(_default_language: Any) -> Any:
    """The services' refusals are matched in English here; the pages' tests read them in the user's language."""
    with translation.override("en"):
        yield


@pytest.fixture
def production_a(agent: User, org_a: Organisation) -> Environment:
    return environment_create(
        actor=agent,
        organisation=org_a,
        name="Intranet, production",
        kind=EnvironmentKind.PRODUCTION,
        internal_notes="Ask Pekka before restarting the cluster",
        secrets_location="vault:/org-a/intranet",
        now=BUILT,
    )


@pytest.fixture
def app_a(agent: User, production_a: Environment) -> Component:
    return component_add(
        actor=agent, environment=production_a, name="Intranet", kind=ComponentKind.APPLICATION, version="1.0", now=BUILT
    )


@pytest.fixture
def production_b(agent: User, org_b: Organisation) -> Environment:
    return environment_create(actor=agent, organisation=org_b, name="Ekonomi, produktion", now=BUILT)


def make_change(agent: User, environment: Environment, kind: str = ChangeKind.NORMAL, **extra: Any) -> Change:
    fields: dict[str, Any] = {
        "environments": [environment],
        "planned_start": WINDOW[0],
        "planned_end": WINDOW[1],
        **extra,
    }
    return change_create(
        actor=agent, organisation=environment.organisation, title="Upgrade the intranet", kind=kind, **fields
    )
