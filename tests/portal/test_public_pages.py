from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def test_front_page_is_finnish_by_default(client: Client, db: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fi">' in html
    assert "Tukipalvelun käsikirja" in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(("language", "expected"), [("sv", "Kundtjänstens handbok"), ("en", "Support handbook")])
def test_front_page_in_swedish_and_english(client: Client, db: Any, language: str, expected: str) -> None:
    client.post("/accounts/language/", {"language": language, "next": "/"})
    html = client.get("/").content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html


def test_front_page_shows_nothing_of_any_customer(client: Client, anna: Any, bertil: Any) -> None:
    html = client.get("/").content.decode()
    for secret in ("Org A Oy", "Org B Ab", "anna@org-a.example", "Bertil Berg"):
        assert secret not in html


def test_language_choice_is_kept_on_the_users_profile(client: Client, anna: Any) -> None:
    client.force_login(anna)
    client.post("/accounts/language/", {"language": "sv", "next": "/portal/"})
    anna.refresh_from_db()
    assert anna.language == "sv"
    assert '<html lang="sv">' in client.get("/portal/").content.decode()


def test_language_switch_does_not_redirect_offsite(client: Client, db: Any) -> None:
    response = client.post("/accounts/language/", {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


def test_portal_shows_own_organisation_only(client: Client, anna: Any, bertil: Any) -> None:
    client.force_login(anna)
    html = client.get("/portal/").content.decode()
    assert "Org A Oy" in html
    assert "Org B Ab" not in html
    assert "Bertil" not in html


def test_desk_lists_every_customer(client: Client, agent: Any, anna: Any, bertil: Any) -> None:
    client.force_login(agent)
    html = client.get("/desk/customers/").content.decode()
    assert "Org A Oy" in html
    assert "Org B Ab" in html
