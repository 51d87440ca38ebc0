"""Every operation of the OpenAPI document, called with another organisation's token and org A's ids.

What another customer owns does not exist: each operation that takes an id answers 404 (never 403), and lists and
creations show nothing of org A. An operation with a path parameter this test does not know fails it, so a new
endpoint comes with its place here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.api.conftest import Api, pdf
from tuki.api.main import api

pytestmark = pytest.mark.django_db

# Org A's words that must never reach bertil (org B's contact).
SECRETS = ("Org A Oy", "Intranet is slow", "Anna Asiakas", "Org A's own guide", "Intranet, production", "Upgrade")


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [(path, method, operation) for path, item in schema["paths"].items() for method, operation in item.items()]


def fill(path: str, world: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "identifier" and path.startswith("/api/v1/changes/"):
            return str(world["change_identifier"])
        assert name in world, f"The isolation walk does not know the path parameter {name!r} of {path}: add it."
        return str(world[name])

    return re.sub(r"\{(\w+)\}", value, path)


def call(as_bertil: Api, method: str, url: str, operation: dict[str, Any], world: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    headers = as_bertil.headers()
    if "multipart/form-data" in content:
        data = {"subject": "x", "body": "x", "requester": world["contact_id"], "files": [pdf()]}
        return as_bertil.client.post(url, data, headers=headers)
    body = content.get("application/json", {}).get("example", {})
    if url.endswith("/api/v1/requests") and method == "post":
        body = {"subject": "x", "requester": world["contact_id"], "environment": world["environment_id"]}
    send = getattr(as_bertil.client, method)
    if method == "get":
        return send(url, headers=headers)
    return send(url, json.dumps(body), content_type="application/json", headers=headers)


def test_every_operation_hides_org_a_from_org_b(as_bertil: Api, world_a: dict[str, Any]) -> None:
    walked = []
    for path, method, operation in operations():
        url = fill(path, world_a)
        response = call(as_bertil, method, url, operation, world_a)
        text = response.content.decode(errors="replace")
        assert not any(secret in text for secret in SECRETS), (method, path, text)
        if "{" in path:
            assert response.status_code == 404, (method, path, response.status_code, text)
        else:
            assert response.status_code in (200, 422), (method, path, response.status_code, text)
        walked.append((method, path))
    assert len(walked) == len(operations()) >= 29
    # Nothing of org A changed meanwhile.
    ticket = world_a["ticket"]
    ticket.refresh_from_db()
    assert ticket.state == "new" and ticket.events.count() == 2
    world_a["estimate"].refresh_from_db()
    assert world_a["estimate"].state == "proposed"


def test_org_a_itself_reaches_every_operation(as_anna: Api, as_agent: Api, world_a: dict[str, Any]) -> None:
    """The same walk with org A's own customer manager (and the agent for staff moves) finds the objects: the
    404s above come from the scope, not from wrong ids."""
    for path, method, _operation in operations():
        if method != "get" or "{" not in path:
            continue
        url = fill(path, world_a)
        caller = as_agent if path.startswith("/api/v1/changes/") else as_anna  # drafts are the staff's
        response = caller.client.get(url, headers=caller.headers())
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
