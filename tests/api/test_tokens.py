"""Personal API tokens: made and revoked in the portal and the desk, shown once, stored as digests, audited;
expired, revoked and read-only tokens answer as documented."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, token_for
from tuki.apitokens.models import ApiToken, Scope
from tuki.apitokens.services import api_token_open, api_token_revoke
from tuki.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db


def test_a_contact_makes_a_token_in_the_portal_and_sees_it_once(client: Client, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)
    response = client.post("/portal/profile/api-tokens/", {"name": "ServiceNow", "scope": "write", "expires": "90"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("tuki_") and secret in response.content.decode()
    token = ApiToken.objects.get()
    assert secret not in (token.digest, token.prefix) and token.digest != secret
    assert token.expires_at is not None and token.scope == Scope.WRITE
    # Shown once: the page never shows it again.
    assert secret not in client.get("/portal/profile/api-tokens/").content.decode()
    assert Api(secret).get("/requests").status_code == 200
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_CREATED)
    assert entry.actor_id == anna.pk and secret not in str(entry.details)


def test_a_customer_manager_sees_and_revokes_a_colleagues_token(client: Client, anna: Any, aaro: Any) -> None:
    secret = token_for(aaro.user)
    client.force_login(anna)
    page = client.get("/portal/profile/api-tokens/")
    token = ApiToken.objects.get(user=aaro.user)
    assert token in list(page.context["tokens"])
    client.post(f"/portal/profile/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by_id == anna.pk
    assert AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKED, actor=anna).exists()
    assert Api(secret).get("/requests").json()["code"] == "token_revoked"


def test_a_contact_who_is_not_a_manager_sees_only_their_own(client: Client, anna: Any, aaro: Any) -> None:
    token_for(anna)
    client.force_login(aaro.user)
    assert list(client.get("/portal/profile/api-tokens/").context["tokens"]) == []
    other = ApiToken.objects.get()
    assert client.post(f"/portal/profile/api-tokens/{other.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_another_organisations_manager_cannot_revoke(client: Client, anna: Any, bertil: Any) -> None:
    token_for(anna)
    token = ApiToken.objects.get()
    client.force_login(bertil)
    assert client.post(f"/portal/profile/api-tokens/{token.pk}/revoke/").status_code == 404
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=bertil, token=token)


def test_an_agent_makes_a_token_in_the_desk(client: Client, agent: Any) -> None:
    client.force_login(agent)
    response = client.post("/desk/preferences/api-tokens/", {"name": "Reports", "scope": "read", "expires": ""})
    assert response.status_code == 200
    assert ApiToken.objects.get().expires_at is None
    assert Api(response.context["secret"]).get("/organisations").status_code == 200


def test_expired_revoked_and_unknown_tokens_answer_401(anna: Any, agreement_a: Any) -> None:
    expired = token_for(anna, expires_at=timezone.now() + timedelta(seconds=1))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    answer = Api(expired).get("/requests")
    assert answer.status_code == 401 and answer.json()["code"] == "token_expired"
    assert Api("tuki_" + "x" * 40).get("/requests").json()["code"] == "token_unknown"
    nothing = Api().get("/requests")
    assert nothing.status_code == 401 and nothing.json()["code"] == "not_authenticated"


def test_a_read_only_token_may_read_but_not_write(anna: Any, agreement_a: Any) -> None:
    reader = Api(token_for(anna, scope=Scope.READ))
    assert reader.get("/requests").status_code == 200
    refused = reader.post("/requests", {"subject": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "read_only_token"


def test_the_last_use_is_written_at_most_once_a_minute(anna: Any, agreement_a: Any) -> None:
    secret = token_for(anna)
    now = timezone.now()
    api_token_open(secret, now=now)
    api_token_open(secret, now=now + timedelta(seconds=30))
    assert ApiToken.objects.get().last_used_at == now
    api_token_open(secret, now=now + timedelta(seconds=61))
    assert ApiToken.objects.get().last_used_at == now + timedelta(seconds=61)


def test_tokens_never_reach_the_logs(anna: Any, agreement_a: Any, caplog: Any, settings: Any) -> None:
    secret = token_for(anna)
    with caplog.at_level(logging.DEBUG):
        Api(secret).get("/requests/SR-999999")  # a 404, which Django logs
        Api(secret + "x").get("/requests")  # a refused token
        Api(secret).post("/requests", raw="{not json")
    assert caplog.records and not any(secret in record.getMessage() for record in caplog.records)
    # An error report (a 500's mail) hides the header that carries it.
    from django.test import RequestFactory
    from django.views.debug import ExceptionReporter

    request = RequestFactory().get("/api/v1/requests", HTTP_AUTHORIZATION=f"Bearer {secret}")
    report = ExceptionReporter(request, None, None, None).get_traceback_text()
    assert secret not in report
