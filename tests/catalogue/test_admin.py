"""Managers edit service descriptions in the admin; a bad description is refused with a message per field."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import translation

from tuki.catalogue.models import (
    SLUG_TAKEN,
    SUMMARY_FI_REQUIRED,
    TITLE_FI_REQUIRED,
    TRANSLATION_INCOMPLETE,
    ServiceDescription,
)

ADD = "/admin/catalogue/servicedescription/add/"


def _post(**overrides: str) -> dict[str, str]:
    data = {
        "slug": "tukipalvelu",
        "order": "10",
        "published": "on",
        "title_fi": "Tukipalvelu ja päivystys",
        "summary_fi": "Apua arkisin ja päivystys kriittisille vioille.",
        "body_fi": "## Päivystys\n\nYmpäri vuorokauden.",
        "includes_fi": "- Päivystys 24/7",
        "title_sv": "",
        "summary_sv": "",
        "body_sv": "",
        "includes_sv": "",
        "title_en": "",
        "summary_en": "",
        "body_en": "",
        "includes_en": "",
    }
    return data | overrides


def _errors(response: Any) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}


def _text(message: Any) -> str:
    with translation.override("fi"):  # the manager's language
        return str(message)


def test_manager_adds_a_description(client: Client, manager: Any) -> None:
    client.force_login(manager)
    response = client.post(ADD, _post())
    assert response.status_code == 302
    service = ServiceDescription.objects.get(slug="tukipalvelu")
    assert service.published and service.title_fi == "Tukipalvelu ja päivystys"


def test_add_form_has_a_fieldset_per_language(client: Client, manager: Any) -> None:
    client.force_login(manager)
    response = client.get(ADD)
    assert response.status_code == 200
    fieldsets = [list(fieldset.fields) for fieldset in response.context["adminform"]]
    assert fieldsets[1:] == [
        [f"{field}_{code}" for field in ("title", "summary", "body", "includes")] for code in ("fi", "sv", "en")
    ]


def test_finnish_title_is_required_and_nothing_is_saved(client: Client, manager: Any) -> None:
    client.force_login(manager)
    response = client.post(ADD, _post(title_fi="", summary_fi="   "))
    assert response.status_code == 200
    errors = _errors(response)
    assert errors["title_fi"] == [_text(TITLE_FI_REQUIRED)]
    assert errors["summary_fi"] == [_text(SUMMARY_FI_REQUIRED)]
    assert _text(TITLE_FI_REQUIRED) in response.content.decode()
    assert not ServiceDescription.objects.exists()


def test_slug_must_be_unique(client: Client, manager: Any) -> None:
    client.force_login(manager)
    assert client.post(ADD, _post()).status_code == 302
    response = client.post(ADD, _post(title_fi="Toinen palvelu"))
    assert response.status_code == 200
    assert _errors(response)["slug"] == [_text(SLUG_TAKEN)]
    assert ServiceDescription.objects.count() == 1


def test_half_translation_is_refused_per_field(client: Client, manager: Any) -> None:
    client.force_login(manager)
    response = client.post(ADD, _post(body_sv="Bara brödtext.", title_en="Support", summary_en=""))
    assert response.status_code == 200
    errors = _errors(response)
    assert errors["title_sv"] == [_text(TRANSLATION_INCOMPLETE["sv", "title"])]
    assert errors["summary_sv"] == [_text(TRANSLATION_INCOMPLETE["sv", "summary"])]
    assert errors["summary_en"] == [_text(TRANSLATION_INCOMPLETE["en", "summary"])]
    assert "title_en" not in errors
    assert not ServiceDescription.objects.exists()


def test_agents_and_contacts_cannot_edit_descriptions(client: Client, agent: Any, anna: Any) -> None:
    for user in (agent, anna):
        client.force_login(user)
        response = client.post(ADD, _post())
        assert response.status_code == 302 and "/admin/login/" in response.url
    assert not ServiceDescription.objects.exists()
