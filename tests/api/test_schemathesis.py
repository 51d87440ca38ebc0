"""Schemathesis against the live OpenAPI document, in-process through the WSGI application: every operation, with
generated input (valid and not), must never answer a server error nor an answer its own schema does not describe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import token_for
from tuki.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(autouse=True)
def _in_the_tests_transaction(world_a: dict[str, Any], settings: Any) -> Iterator[None]:
    settings.TUKI_API_CALLS_PER_MINUTE = 1_000_000
    # The test's transaction holds the data: the handler must not close the connection between calls, as Django's own
    # test client also sees to.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The document is read from the running application itself, as a client reads it.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema(case: Any, agent: Any, anna: Any) -> None:
    # The agent reaches every operation; the customer manager the customer's own moves (estimates).
    user = anna if "estimates" in case.path else agent
    token = token_for(user)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
