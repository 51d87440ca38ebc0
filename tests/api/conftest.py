"""Fixtures for the API tests: a token for each named person, and a client that sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tuki.apitokens.models import Scope
from tuki.apitokens.services import api_token_create
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Api:
    """Calls /api/v1/ with a bearer token (or none), the way an integration does."""

    token: str = ""
    client: Any = None

    def __post_init__(self) -> None:
        self.client = Client()

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        found = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**found, **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers(headers))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", headers=self.headers(headers))

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=self.headers()
        )

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1{path}", data, headers=self.headers())


def token_for(user: Any, scope: str = Scope.WRITE, **kwargs: Any) -> str:
    return api_token_create(actor=user, name="integration", scope=scope, **kwargs)[1]


@pytest.fixture
def as_anna(anna: Any, agreement_a: Any) -> Api:
    return Api(token_for(anna))


@pytest.fixture
def as_bertil(bertil: Any, agreement_b: Any) -> Api:
    return Api(token_for(bertil))


@pytest.fixture
def as_agent(agent: Any) -> Api:
    return Api(token_for(agent))


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    return ticket_create(actor=anna, requester=anna.contact, subject="Intranet is slow", description="Since Monday")


@pytest.fixture
def request_b(bertil: Any, agreement_b: Any) -> Ticket:
    return ticket_create(actor=bertil, requester=bertil.contact, subject="Fakturor skickas inte")


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "application/pdf")


@pytest.fixture
def world_a(agent: Any, anna: Any, agreement_a: Any, request_a: Ticket) -> dict[str, Any]:
    """One of everything of org A, reached by every path parameter of the API."""
    from tuki.changes.services import change_create
    from tuki.environments.services import environment_create
    from tuki.handbook.services import article_save
    from tuki.reports.services import report_make
    from tuki.tickets.services import ticket_reply
    from tuki.timesheets.services import estimate_propose, time_entry_log

    organisation = anna.contact.organisation
    environment = environment_create(actor=agent, organisation=organisation, name="Intranet, production")
    change = change_create(actor=agent, organisation=organisation, title="Upgrade", environments=[environment])
    event = ticket_reply(actor=anna, ticket=request_a, body="The log", files=[pdf()])
    time_entry_log(
        actor=agent, ticket=request_a, day=timezone.localdate(), minutes=30, kind="help_desk", description="Looked"
    )
    estimate = estimate_propose(actor=agent, ticket=request_a, basis="hours", minutes=120, description="Report")
    article = article_save(
        actor=agent,
        title="Org A's own guide",
        body="Only for A",
        language="fi",
        public_to_all=False,
        organisations=[organisation],
        published=True,
    )
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    report = report_make(organisation=organisation, month=last_month)
    return {
        "identifier": request_a.identifier,
        "report_id": report.pk,
        "attachment_id": event.attachments.get().pk,
        "organisation_id": organisation.pk,
        "contact_id": anna.contact.pk,
        "agreement_id": agreement_a.pk,
        "estimate_id": estimate.pk,
        "environment_id": environment.pk,
        "change_identifier": change.identifier,
        "slug": article.slug,
        "ticket": request_a,
        "estimate": estimate,
        "change": change,
    }
