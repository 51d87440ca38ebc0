"""Search and suggestions: every word must match, title matches first, and only what the reader may see.

The same tests run on SQLite (substring search) and on PostgreSQL (full-text search), so they use whole words.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.conftest import speaks
from tests.handbook.conftest import Articles, write
from tuki.handbook.selectors import article_search, suggest_articles


def found(user: Any, text: str) -> list[str]:
    return [a.title for a in article_search(user, text)]


def test_search_over_title_and_text(articles: Articles, agent: Any) -> None:
    assert found(agent, "intranet") == [articles.for_a.title]
    assert found(agent, "release") == [articles.for_a.title]  # only in the text
    assert found(agent, "INTRANET Release") == [articles.for_a.title]
    assert found(agent, "intranet extranet") == []  # every word must match
    assert found(agent, "") == []
    assert found(agent, "   ") == []


def test_a_match_in_the_title_comes_first(articles: Articles, agent: Any) -> None:
    # "printer" is in the title of the article for everyone and the draft, and only in the text of this one.
    text_only = write(agent, "Toner supplies", "Order toner for the printer here.", public_to_all=True)
    results = found(agent, "printer")
    assert set(results) == {articles.everyone.title, articles.draft.title, text_only.title}
    assert results[-1] == text_only.title


def test_search_is_scoped(articles: Articles, anna: Any, bertil: Any) -> None:
    assert found(anna, "printer") == [articles.everyone.title]  # not the draft
    assert found(anna, "extranet") == []
    assert found(bertil, "extranet") == [articles.for_b.title]
    assert found(anna, "reporting") == found(bertil, "reporting") == [articles.for_both.title]


def test_finnish_letters_match_in_any_case(agent: Any, anna: Any) -> None:
    write(agent, "Älypuhelimen käyttöönotto", "Ohje: ÄLÄ unohda PIN-koodia.", public_to_all=True, language="fi")
    assert found(anna, "älypuhelimen") == ["Älypuhelimen käyttöönotto"]
    assert found(anna, "KÄYTTÖÖNOTTO") == ["Älypuhelimen käyttöönotto"]
    assert found(anna, "älä") == ["Älypuhelimen käyttöönotto"]


def test_search_syntax_does_not_break_anything(articles: Articles, anna: Any) -> None:
    for text in ('"printer driver"', "printer OR", "-", "'; DROP TABLE handbook_article; --", "%", "_", "\\"):
        article_search(anna, text).count()  # no error
    assert found(anna, '"printer driver"') == [articles.everyone.title]


def test_portal_search_page(client: Client, articles: Articles, anna: Any) -> None:
    client.force_login(speaks(anna, "en"))
    html = client.get("/portal/handbook/", {"q": "intranet cache"}).content.decode()
    assert articles.for_a.title in html
    assert articles.everyone.title not in html
    assert "1 article matches" in html
    empty = client.get("/portal/handbook/", {"q": "nothingmatchesthis"}).content.decode()
    assert "0 articles match" in empty


def test_suggestions_are_few_and_scoped(agent: Any, anna: Any, bertil: Any, org_b: Any) -> None:
    for number in range(7):
        write(agent, f"Network guide {number}", "How the network works.", public_to_all=True)
    write(agent, "Network secrets of Org B", "The network of org B.", organisations=[org_b])
    write(agent, "Network draft", "The network draft.", public_to_all=True, published=False)
    assert len(suggest_articles(anna, "network")) == 5
    assert len(suggest_articles(anna, "network", limit=2)) == 2
    assert len(suggest_articles(anna, "network", limit=50)) == 5
    assert suggest_articles(anna, "ne") == []  # too short to mean anything
    everything = [a.title for a in suggest_articles(anna, "network", limit=5)]
    assert all(title.startswith("Network guide") for title in everything)
    # Any word may match, the best match first; what anna may not read is never among them.
    assert suggest_articles(bertil, "secrets network")[0].title == "Network secrets of Org B"
    assert "Network secrets of Org B" not in [a.title for a in suggest_articles(anna, "secrets network")]


def test_suggest_fragment(client: Client, articles: Articles, anna: Any, bertil: Any) -> None:
    client.force_login(speaks(anna, "en"))
    response = client.get("/portal/handbook/suggest/", {"q": "intranet"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for htmx, not a page
    assert f'href="/portal/handbook/{articles.for_a.slug}/"' in html
    assert "These handbook articles may help" in html
    assert client.get("/portal/handbook/suggest/", {"q": "zzzz"}).content.decode().strip() == ""
    assert client.get("/portal/handbook/suggest/").content.decode().strip() == ""
    client.force_login(bertil)
    assert articles.for_a.slug not in client.get("/portal/handbook/suggest/", {"q": "intranet"}).content.decode()


def test_suggest_url_name() -> None:
    from django.urls import reverse

    assert reverse("handbook:suggest") == "/portal/handbook/suggest/"
