"""The public catalogue pages: open to everyone, in three languages, sanitised, and blind to customers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.catalogue.conftest import make_service
from tuki.catalogue.models import ServiceDescription

PUBLISHED = {
    "fi": ("Tukipalvelu ja päivystys", "Ylläpito ja ylläpitokiintiö"),
    "sv": ("Supporttjänst och jour", "Underhåll och underhållskvot"),
    "en": ("Support service and on-call", "Maintenance and the maintenance quota"),
}
TABLE = re.compile(r'(?:FROM|JOIN|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
DRAFT = {"fi": "Salainen luonnos", "sv": "Hemligt utkast", "en": "Secret draft"}


def get(client: Client, url: str, language: str = "fi") -> Any:
    return client.get(url, headers={"accept-language": language})


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_front_page_lists_published_descriptions(
    client: Client,
    language: str,
    support_service: ServiceDescription,
    maintenance_service: ServiceDescription,
    draft_service: ServiceDescription,
) -> None:
    response = get(client, "/", language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    first, second = PUBLISHED[language]
    assert first in html and second in html
    assert html.index(first) < html.index(second)  # catalogue order
    assert 'href="/services/tukipalvelu/"' in html
    assert DRAFT[language] not in html and "/services/luonnos/" not in html
    # The existing sections stay.
    assert {"fi": "Tukipalvelun käsikirja", "sv": "Kundtjänstens handbok", "en": "Support handbook"}[language] in html


def test_front_page_without_descriptions_has_no_empty_section(client: Client, db: Any) -> None:
    html = get(client, "/").content.decode()
    assert 'id="services-title"' not in html
    assert "Tukipalvelun käsikirja" in html


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_list_page(
    client: Client,
    language: str,
    support_service: ServiceDescription,
    maintenance_service: ServiceDescription,
    draft_service: ServiceDescription,
) -> None:
    response = get(client, "/services/", language)
    assert response.status_code == 200
    html = response.content.decode()
    assert all(title in html for title in PUBLISHED[language])
    assert DRAFT[language] not in html


def test_list_page_when_nothing_is_published(client: Client, draft_service: ServiceDescription) -> None:
    response = get(client, "/services/")
    assert response.status_code == 200
    assert "Salainen luonnos" not in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "body"),
    [
        ("fi", "Päivystys", "Kriittisiä vikoja korjataan ympäri vuorokauden."),
        ("sv", "Jour", "Kritiska fel åtgärdas dygnet runt."),
        ("en", "On-call", "Critical faults are worked on around the clock."),
    ],
)
def test_detail_page_renders_markdown_in_the_active_language(
    client: Client, support_service: ServiceDescription, language: str, heading: str, body: str
) -> None:
    response = get(client, "/services/tukipalvelu/", language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h2>{heading}</h2>" in html
    assert f"<p>{body}</p>" in html
    assert "<li>" in html  # the includes list
    assert f"<h1>{PUBLISHED[language][0]}</h1>" in html


def test_detail_page_falls_back_to_finnish_and_says_so(client: Client, db: Any) -> None:
    make_service(title_en="", summary_en="", body_en="", includes_en="", body_sv="")
    html = get(client, "/services/tukipalvelu/", "en").content.decode()
    assert '<html lang="en">' in html
    assert '<h1 lang="fi">Tukipalvelu ja päivystys</h1>' in html
    assert "<h2>Päivystys</h2>" in html
    swedish = get(client, "/services/tukipalvelu/", "sv").content.decode()
    assert "<h1>Supporttjänst och jour</h1>" in swedish
    assert '<div class="prose" lang="fi"><h2>Päivystys</h2>' in swedish  # body in Finnish, marked as such
    assert "<li>Jour 24/7</li>" in swedish  # includes still in Swedish


def test_unpublished_and_unknown_descriptions_are_404(client: Client, draft_service: ServiceDescription) -> None:
    assert get(client, "/services/luonnos/").status_code == 404
    assert get(client, "/services/ei-ole/").status_code == 404


def test_unpublished_description_is_404_for_staff_too(
    client: Client, manager: Any, draft_service: ServiceDescription
) -> None:
    client.force_login(manager)
    assert get(client, "/services/luonnos/").status_code == 404


def test_markdown_and_text_fields_are_sanitised(client: Client, db: Any) -> None:
    make_service(
        title_fi='<script>alert("title")</script>Otsikko',
        summary_fi='<img src=x onerror="alert(1)">Tiivistelmä',
        body_fi=(
            "<script>alert(1)</script>\n\n[klikkaa](javascript:alert(1))\n\n"
            '<img src="x" onerror="alert(2)">\n\n<a href="https://example.com" onclick="alert(3)">linkki</a>'
            "\n\n<iframe src='https://evil.example'></iframe>"
        ),
        includes_fi="- <b onmouseover=alert(4)>hyvä</b>\n- [x](jAvAsCrIpT:alert(5))",
    )
    for url in ("/", "/services/", "/services/tukipalvelu/"):
        html = get(client, url).content.decode()
        main = html[html.index("<main") :]
        assert "<script>alert" not in main
        assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;Otsikko" in main
        assert not EVENT_HANDLER.search(main), (url, EVENT_HANDLER.search(main))
        for bad in ("javascript:", "<iframe"):
            assert bad not in main.lower(), (url, bad)
    detail = get(client, "/services/tukipalvelu/").content.decode()
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">linkki</a>' in detail
    assert "<b>hyvä</b>" in detail


def test_contact_page(client: Client, db: Any, settings: Any) -> None:
    settings.TUKI_SUPPORT_PHONE = "+358 40 123 4567"
    settings.TUKI_SUPPORT_EMAIL = "apu@toimittaja.example"
    response = get(client, "/contact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:+358401234567"' in html and "+358 40 123 4567" in html
    assert 'href="mailto:apu@toimittaja.example"' in html
    assert 'href="/accounts/login/"' in html
    assert 'id="critical"' in html and 'id="on-call"' in html
    assert 'aria-current="page"' in html


def test_every_public_page_is_open_to_anonymous_visitors(client: Client, support_service: ServiceDescription) -> None:
    for url in ("/", "/services/", "/services/tukipalvelu/", "/contact/"):
        response = get(client, url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers


def test_public_pages_query_no_customer_data(
    client: Client, support_service: ServiceDescription, anna: Any, bertil: Any, agreement_a: Any
) -> None:
    """Anonymous pages read service descriptions and nothing else: no organisation, contact or request."""
    for url in ("/", "/services/", "/services/tukipalvelu/", "/contact/"):
        with CaptureQueriesContext(connection) as queries:
            html = get(client, url).content.decode()
        tables = {table for query in queries for table in TABLE.findall(query["sql"])}
        assert tables <= {"catalogue_servicedescription"}, (url, tables)
        assert url == "/contact/" or tables, url  # the catalogue itself was read
        for secret in ("Org A Oy", "Org B Ab", "anna@org-a.example", "Anna Asiakas", "Bertil Berg", "1111111-1"):
            assert secret not in html, (url, secret)


def test_logged_in_contact_sees_no_other_customer(
    client: Client, support_service: ServiceDescription, anna: Any, bertil: Any
) -> None:
    client.force_login(anna)
    for url in ("/", "/services/", "/services/tukipalvelu/", "/contact/"):
        html = get(client, url).content.decode()
        assert "Org B Ab" not in html and "Bertil Berg" not in html and "bertil@org-b.example" not in html


def test_navigation_marks_the_current_page(client: Client, support_service: ServiceDescription) -> None:
    html = get(client, "/services/").content.decode()
    assert '<a href="/services/" aria-current="page">' in html
    detail = get(client, "/services/tukipalvelu/").content.decode()
    assert '<a href="/services/" aria-current="true">' in detail
