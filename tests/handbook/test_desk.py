"""Agents write articles on the desk and link them to requests; contacts can do neither."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.conftest import speaks
from tests.handbook.conftest import Articles, write
from tuki.core.scoping import visible_to
from tuki.handbook.models import Article, TicketArticle
from tuki.handbook.selectors import linked_articles
from tuki.handbook.services import article_save, ticket_link_article, ticket_unlink_article
from tuki.tickets.models import Ticket, TicketEvent

FORM = {
    "title": "Resetting a VPN token",
    "language": "fi",
    "body": "1. Open the **token** app\n2. Choose *reset*",
    "published": "on",
}


def test_an_agent_writes_and_publishes_an_article(client: Client, agent: Any, anna: Any, org_a: Any) -> None:
    client.force_login(speaks(agent, "en"))
    assert client.get("/desk/handbook/new/").status_code == 200
    response = client.post("/desk/handbook/new/", FORM | {"organisations": [org_a.pk]})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/handbook/{article.pk}/"
    assert article.slug == "resetting-a-vpn-token"
    assert article.author == agent
    assert list(article.organisations.all()) == [org_a]
    assert article.published and not article.public_to_all
    page = client.get(response["Location"]).content.decode()
    assert "<strong>token</strong>" in page
    assert "Org A Oy" in page
    assert list(visible_to(anna, Article)) == [article]


def test_editing_keeps_the_address_and_updates_the_search(client: Client, agent: Any, org_a: Any) -> None:
    article = write(agent, "Old title", "Old text.", organisations=[org_a])
    client.force_login(agent)
    form = client.get(f"/desk/handbook/{article.pk}/edit/").content.decode()
    assert "Old text." in form
    response = client.post(
        f"/desk/handbook/{article.pk}/edit/",
        FORM | {"title": "New title", "public_to_all": "on", "organisations": [org_a.pk]},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.slug) == ("New title", "old-title")
    assert article.public_to_all
    assert not article.organisations.exists()  # for every customer names none
    html = client.get("/desk/handbook/", {"q": "token"}).content.decode()
    assert "New title" in html


def test_an_invalid_form_is_shown_again(client: Client, agent: Any) -> None:
    client.force_login(speaks(agent, "en"))
    response = client.post("/desk/handbook/new/", {"title": "", "language": "xx", "body": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Article.objects.exists()


def test_addresses_are_unique_and_never_reserved(agent: Any) -> None:
    first = write(agent, "Same title", "One.")
    second = write(agent, "Same title", "Two.")
    reserved = write(agent, "Suggest", "Not the suggestions view.")
    nothing = write(agent, "!!!", "No letters in the title.")
    assert (first.slug, second.slug) == ("same-title", "same-title-2")
    assert reserved.slug == "suggest-2"
    assert nothing.slug == "article"


def test_desk_list_shows_drafts_and_readers(client: Client, articles: Articles, agent: Any) -> None:
    client.force_login(speaks(agent, "en"))
    html = client.get("/desk/handbook/").content.decode()
    for article in articles.all():
        assert article.title in html
    assert "Draft" in html
    assert "Every customer" in html
    assert "Org B Ab" in html


def test_contacts_may_not_write(anna: Any, org_a: Any, articles: Articles, request_a: Ticket) -> None:
    with pytest.raises(PermissionDenied):
        article_save(actor=anna, title="Mine", body="x", language="fi", public_to_all=True, published=True)
    with pytest.raises(PermissionDenied):
        article_save(
            actor=anna,
            article=articles.for_a,
            title="Hijack",
            body="x",
            language="fi",
            public_to_all=True,
            published=True,
        )
    with pytest.raises(PermissionDenied):
        ticket_link_article(actor=anna, ticket=request_a, article=articles.everyone)
    ticket_link_article(actor=articles.everyone.author, ticket=request_a, article=articles.everyone)
    with pytest.raises(PermissionDenied):
        ticket_unlink_article(actor=anna, ticket=request_a, article=articles.everyone)
    with pytest.raises(PermissionDenied):
        ticket_link_article(actor=None, ticket=request_a, article=articles.everyone)
    articles.for_a.refresh_from_db()
    assert articles.for_a.title == "Intranet cache for Org A"
    assert TicketArticle.objects.count() == 1


def test_linking_an_article_on_the_desk(client: Client, agent: Any, articles: Articles, request_a: Ticket) -> None:
    client.force_login(speaks(agent, "en"))
    url = f"/desk/requests/{request_a.identifier}/"
    page = client.get(url).content.decode()
    assert f'action="/desk/handbook/link-to/{request_a.identifier}/"' in page
    assert "No handbook articles linked." in page
    picks = client.get(f"/desk/handbook/link-to/{request_a.identifier}/", {"q": "printer driver"}).content.decode()
    assert f'action="/desk/requests/{request_a.identifier}/link-article/"' in picks
    assert f'name="article" value="{articles.everyone.pk}"' in picks
    for _ in range(2):  # a second click changes nothing
        response = client.post(url + "link-article/", {"article": articles.everyone.pk})
        assert response.status_code == 302
    assert [link.article for link in request_a.handbook_links.all()] == [articles.everyone]
    events = TicketEvent.objects.filter(ticket=request_a, kind="field_change")
    assert [(e.public, e.data) for e in events] == [(False, {"field": "handbook", "linked": articles.everyone.pk})]
    page = client.get(url).content.decode()
    assert f'href="/desk/handbook/{articles.everyone.pk}/"' in page
    assert "Handbook article linked." in page
    assert f'action="/desk/requests/{request_a.identifier}/unlink-article/"' in page

    client.post(url + "unlink-article/", {"article": articles.everyone.pk})
    assert not request_a.handbook_links.exists()
    assert TicketEvent.objects.filter(ticket=request_a, kind="field_change").count() == 2


def test_the_desk_warns_when_the_customer_cannot_read_a_linked_article(
    client: Client, agent: Any, articles: Articles, request_a: Ticket
) -> None:
    for article in (articles.everyone, articles.draft, articles.for_b):
        ticket_link_article(actor=agent, ticket=request_a, article=article)
    client.force_login(speaks(agent, "en"))
    page = client.get(f"/desk/requests/{request_a.identifier}/").content.decode()
    assert page.count("the customer cannot read this") == 2


def test_linking_nonsense_is_refused_politely(client: Client, agent: Any, request_a: Ticket) -> None:
    client.force_login(speaks(agent, "en"))
    url = f"/desk/requests/{request_a.identifier}/link-article/"
    for value in ("", "abc", "999999", "-1", "²"):
        response = client.post(url, {"article": value}, follow=True)
        assert "Choose a handbook article." in response.content.decode()
    assert not TicketArticle.objects.exists()


def test_the_customer_sees_only_readable_links(
    agent: Any, anna: Any, bertil: Any, articles: Articles, request_a: Ticket
) -> None:
    for article in articles.all():
        ticket_link_article(actor=agent, ticket=request_a, article=article)
    assert set(linked_articles(anna, request_a)) == {articles.everyone, articles.for_a, articles.for_both}
    assert set(linked_articles(agent, request_a)) == set(articles.all())
    assert not linked_articles(bertil, request_a).exists()  # not his request, though some articles are his
    assert visible_to(anna, TicketArticle).count() == 3
    assert not visible_to(bertil, TicketArticle).exists()
    # The history entries about links are internal.
    assert not visible_to(anna, TicketEvent).filter(kind="field_change").exists()


def test_the_linked_include_renders_for_the_portal(
    articles: Articles, agent: Any, anna: Any, request_a: Ticket
) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    ticket_link_article(actor=agent, ticket=request_a, article=articles.for_a)
    ticket_link_article(actor=agent, ticket=request_a, article=articles.for_b)
    with translation.override("en"):
        html = render_to_string("handbook/_linked.html", {"linked_articles": linked_articles(anna, request_a)})
        empty = render_to_string("handbook/_linked.html", {"linked_articles": Article.objects.none()})
    assert f'href="/portal/handbook/{articles.for_a.slug}/"' in html
    assert articles.for_b.title not in html
    assert "Handbook articles" in html
    assert empty.strip() == ""


def test_finding_an_article_to_link(
    client: Client, agent: Any, anna: Any, articles: Articles, request_a: Ticket
) -> None:
    client.force_login(speaks(agent, "en"))
    url = f"/desk/handbook/link-to/{request_a.identifier}/"
    fragment = client.get(url, {"q": "printer"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert articles.everyone.title in fragment and articles.draft.title in fragment and "draft" in fragment
    assert articles.for_a.title not in fragment

    page = client.get(url, {"q": "printer"}).content.decode()  # without JavaScript: a page of its own
    assert "<html" in page and articles.everyone.title in page and request_a.subject in page

    ticket_link_article(actor=agent, ticket=request_a, article=articles.everyone)
    fragment = client.get(url, {"q": "printer"}, HTTP_HX_REQUEST="true").content.decode()
    assert articles.everyone.title not in fragment  # linked already
    assert "No articles match" in client.get(url, {"q": "zebra"}, HTTP_HX_REQUEST="true").content.decode()

    client.force_login(anna)
    assert client.get(url, {"q": "printer"}).status_code in (302, 403, 404)
