"""Bad input gets the documented error, in one JSON shape: {"detail", "code", "field"}."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, token_for
from tuki.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def shape(response: Any) -> dict[str, Any]:
    body = response.json()
    assert {"detail", "code", "field"} <= set(body), body
    return body


def test_malformed_json(as_anna: Api) -> None:
    response = as_anna.post("/requests", raw='{"subject": ')
    assert response.status_code == 400 and shape(response)["code"] == "malformed_json"


def test_wrong_types_name_the_field(as_anna: Api) -> None:
    response = as_anna.post("/requests", {"subject": "x", "priority": "urgent"})
    body = shape(response)
    assert response.status_code == 422 and body["field"] == "priority"
    assert "detail" not in str(body["errors"][0]["code"])


def test_a_missing_field_is_named(as_anna: Api) -> None:
    body = shape(as_anna.post("/requests", {"description": "no subject"}))
    assert (body["code"], body["field"]) == ("missing", "subject")


def test_unknown_fields_are_errors(as_anna: Api) -> None:
    response = as_anna.post("/requests", {"subject": "x", "sujbect": "typo"})
    body = shape(response)
    assert response.status_code == 422 and (body["code"], body["field"]) == ("extra_forbidden", "sujbect")
    assert Ticket.objects.count() == 0


def test_a_json_array_instead_of_an_object(as_anna: Api) -> None:
    response = as_anna.post("/requests", raw="[1, 2]")
    assert response.status_code in (400, 422) and shape(response)


def test_oversized_bodies_are_refused_before_reading(as_anna: Api, settings: Any) -> None:
    settings.TUKI_API_MAX_JSON_BYTES = 1000
    response = as_anna.post("/requests", {"subject": "x", "description": "y" * 2000})
    assert response.status_code == 413 and shape(response)["code"] == "too_large"


def test_too_many_calls_answer_429_with_retry_after(anna: Any, agreement_a: Any, settings: Any) -> None:
    settings.TUKI_API_CALLS_PER_MINUTE = 3
    api = Api(token_for(anna))
    answers = [api.get("/requests") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) >= 1 and shape(answers[-1])["code"] == "rate_limited"
    # Per token: another token of the same person has its own count.
    assert Api(token_for(anna)).get("/requests").status_code == 200


def test_service_validation_messages_are_in_the_owners_language(bertil: Any, agreement_b: Any, request_b: Any) -> None:
    api = Api(token_for(bertil))
    body = shape(api.post(f"/requests/{request_b.identifier}/replies", {"body": "   "}))
    assert body["field"] == "body" and body["detail"] == "Skriv ett meddelande innan du skickar."
    english = api.post(
        f"/requests/{request_b.identifier}/replies", {"body": " "}, headers={"Accept-Language": "en"}
    ).json()
    assert english["detail"] == "Write a message before sending."


def test_other_organisations_ids_are_not_found(as_bertil: Api, request_a: Ticket, anna: Any) -> None:
    for path in (f"/requests/{request_a.identifier}", f"/organisations/{anna.contact.organisation_id}"):
        response = as_bertil.get(path)
        assert response.status_code == 404 and shape(response)["code"] == "not_found"
    reply = as_bertil.post(f"/requests/{request_a.identifier}/replies", {"body": "hello"})
    assert reply.status_code == 404


def test_a_body_naming_another_customers_object_is_refused(as_bertil: Api, anna: Any) -> None:
    body = shape(as_bertil.post("/requests", {"subject": "x", "cc": [anna.contact.pk]}))
    assert (body["code"], body["field"]) == ("not_found", "cc.0")
