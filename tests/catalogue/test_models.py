"""Service descriptions: language fallback, validation and the demo data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.catalogue.conftest import make_service
from tuki.catalogue.models import ServiceDescription
from tuki.catalogue.selectors import published_services
from tuki.demo.catalogue import SERVICES, seed_catalogue


def test_active_language_is_used(support_service: ServiceDescription) -> None:
    for language, title in [
        ("fi", "Tukipalvelu ja päivystys"),
        ("sv", "Supporttjänst och jour"),
        ("en", "Support service and on-call"),
    ]:
        with translation.override(language):
            text = support_service.in_language()
        assert str(text.title) == title
        assert text.title.lang == language
        assert not text.title.fallback


def test_empty_translation_falls_back_to_finnish_field_by_field(db: Any) -> None:
    service = make_service(body_sv="", includes_sv="   ", title_en="", summary_en="", body_en="", includes_en="")
    with translation.override("sv"):
        text = service.in_language()
    assert str(text.title) == "Supporttjänst och jour" and not text.title.fallback
    assert text.body.text == service.body_fi and text.body.fallback and text.body.lang == "fi"
    assert text.includes.text == service.includes_fi and text.includes.fallback
    english = service.in_language("en")
    assert str(english.title) == "Tukipalvelu ja päivystys" and english.title.lang == "fi" and english.title.fallback
    assert str(english.summary) == service.summary_fi


def test_unknown_language_counts_as_finnish(support_service: ServiceDescription) -> None:
    with translation.override("de"):
        assert str(support_service.in_language().title) == "Tukipalvelu ja päivystys"


def test_finnish_title_and_summary_are_required(db: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_service(title_fi="", summary_fi="")
    assert set(error.value.message_dict) == {"title_fi", "summary_fi"}
    assert "suomenkielinen otsikko" in error.value.message_dict["title_fi"][0]
    assert not ServiceDescription.objects.exists()


def test_a_translation_is_all_or_nothing(db: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_service(title_sv="", summary_en="")
    assert set(error.value.message_dict) == {"title_sv", "summary_en"}
    # Leaving a whole language empty is fine: the Finnish text stands in.
    make_service(title_sv="", summary_sv="", body_sv="", includes_sv="")


def test_slug_is_unique(support_service: ServiceDescription) -> None:
    with pytest.raises(ValidationError) as error:
        make_service(title_fi="Toinen")
    assert "käyttää jo tätä osoitetta" in error.value.message_dict["slug"][0]


def test_published_services_are_in_catalogue_order(
    support_service: ServiceDescription, maintenance_service: ServiceDescription, draft_service: ServiceDescription
) -> None:
    assert [service.slug for service in published_services("fi")] == ["tukipalvelu", "yllapito"]


def test_demo_catalogue_is_complete_valid_and_idempotent(db: Any) -> None:
    assert seed_catalogue() == len(SERVICES) >= 3
    assert seed_catalogue() == 0
    services = list(ServiceDescription.objects.all())
    assert len(services) == len(SERVICES)
    for service in services:
        service.full_clean()
        assert service.published
        assert service.languages() == ["fi", "sv", "en"]
        for language in ("fi", "sv", "en"):
            for field in ("title", "summary", "body", "includes"):
                assert getattr(service, f"{field}_{language}").strip(), (service.slug, field, language)
        # Paragraphs are single lines: the Markdown renderer turns line breaks into <br>.
        assert "\n" not in service.body_fi.split("\n\n")[0]
    assert ServiceDescription.objects.get(slug="tukipalvelu-ja-paivystys").title_sv == "Supporttjänst och jour"


def test_demo_catalogue_keeps_a_managers_edits(db: Any) -> None:
    seed_catalogue()
    ServiceDescription.objects.filter(slug="lisatyot-ja-muutokset").update(title_fi="Muokattu", published=False)
    seed_catalogue()
    edited = ServiceDescription.objects.get(slug="lisatyot-ja-muutokset")
    assert (edited.title_fi, edited.published) == ("Muokattu", False)
