"""The OpenAPI document and the interactive docs: served from our own files, every operation described."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tuki.core.middleware import POLICY

pytestmark = pytest.mark.django_db


def test_the_document_is_openapi_3_1_and_every_operation_is_described() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary") and operation.get("description"), (method, path)
            assert "200" in operation["responses"] or "201" in operation["responses"], (method, path)
            assert "401" in operation["responses"], (method, path)
            body = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                assert body["application/json"].get("example"), (method, path)


def test_the_docs_page_loads_nothing_from_elsewhere_under_the_sites_policy() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert addresses and all(address.startswith("/static/") for address in addresses), addresses
    assert "cdn" not in page.lower()
    # Swagger UI needs nothing beyond the site's own policy (checked in a browser: no violations are reported).
    assert response["Content-Security-Policy"] == POLICY
