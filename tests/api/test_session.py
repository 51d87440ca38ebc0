"""The site's own JavaScript calls the API with the signed-in session, and the CSRF token on writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_signed_in_contact_reads_and_writes_with_the_csrf_token(anna: Any, agreement_a: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    assert client.get("/api/v1/requests").status_code == 200
    body = json.dumps({"subject": "From the page"})
    refused = client.post("/api/v1/requests", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    client.get("/portal/")  # a page sets the CSRF cookie, as a browser receives it
    token = client.cookies["csrftoken"].value
    filed = client.post("/api/v1/requests", body, content_type="application/json", headers={"X-CSRFToken": token})
    assert filed.status_code == 201


def test_without_any_credentials_a_write_answers_401(db: Any) -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v1/requests", "{}", content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
