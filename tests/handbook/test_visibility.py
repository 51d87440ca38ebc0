"""Who reads which article: staff every one, a contact the published ones meant for their organisation,
anonymous visitors none. Another organisation's article is a 404 by every address."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from tests.conftest import speaks
from tests.handbook.conftest import Articles, write
from tuki.accounts.models import User
from tuki.accounts.services import contact_deactivate
from tuki.core.scoping import visible_to
from tuki.handbook.models import Article


def titles(user: Any) -> set[str]:
    return set(visible_to(user, Article).values_list("title", flat=True))


def test_each_reader_sees_what_is_meant_for_them(articles: Articles, anna: Any, bertil: Any, agent: Any) -> None:
    assert titles(anna) == {articles.everyone.title, articles.for_a.title, articles.for_both.title}
    assert titles(bertil) == {articles.everyone.title, articles.for_b.title, articles.for_both.title}
    assert titles(agent) == {a.title for a in articles.all()}


def test_anonymous_and_deactivated_contacts_see_nothing(articles: Articles, anna: Any) -> None:
    assert not visible_to(AnonymousUser(), Article).exists()
    assert not visible_to(None, Article).exists()
    contact_deactivate(contact=anna.contact)
    assert not visible_to(User.objects.get(pk=anna.pk), Article).exists()


def test_an_article_for_every_customer_reaches_a_new_customer_too(articles: Articles, agent: Any) -> None:
    from tuki.accounts.services import contact_create, organisation_create

    newcomer = organisation_create(name="Org C Oy", business_id="3333333-3")
    carl = contact_create(organisation=newcomer, email="carl@org-c.example", full_name="Carl", password="x" * 12)
    assert titles(carl.user) == {articles.everyone.title}


def test_unpublishing_hides_an_article_from_customers_only(articles: Articles, agent: Any, anna: Any) -> None:
    article = articles.for_a
    write(
        agent,
        article.title,
        article.body,
        article=article,
        organisations=[article.organisations.get()],
        published=False,
    )
    assert article.title not in titles(anna)
    assert article.title in titles(agent)


def test_the_portal_lists_only_the_contacts_articles(client: Client, articles: Articles, anna: Any) -> None:
    client.force_login(speaks(anna, "en"))
    html = client.get("/portal/handbook/").content.decode()
    for article in (articles.everyone, articles.for_a, articles.for_both):
        assert f'href="/portal/handbook/{article.slug}/"' in html
    for article in (articles.for_b, articles.draft):
        assert article.title not in html
    assert "Printing" in html  # the category of the article for everyone
    page = client.get(f"/portal/handbook/{articles.for_a.slug}/")
    assert page.status_code == 200
    assert "Clear the intranet cache" in page.content.decode()


@pytest.mark.parametrize("which", ["for_b", "draft"])
def test_an_article_anna_may_not_read_is_404_by_every_url(
    client: Client, articles: Articles, anna: Any, which: str
) -> None:
    article: Article = getattr(articles, which)
    client.force_login(anna)
    assert client.get(f"/portal/handbook/{article.slug}/").status_code == 404
    assert client.get(f"/portal/handbook/{article.slug}").status_code in (301, 404)
    words = article.title.split()[0]
    for url in ("/portal/handbook/", "/portal/handbook/suggest/"):
        response = client.get(url, {"q": words})
        assert response.status_code == 200
        assert article.title not in response.content.decode()
        assert article.slug not in response.content.decode()
    for url in (
        "/desk/handbook/",
        "/desk/handbook/new/",
        f"/desk/handbook/{article.pk}/",
        f"/desk/handbook/{article.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/desk/handbook/{article.pk}/edit/", {"title": "Taken over"}).status_code == 404
    article.refresh_from_db()
    assert article.title != "Taken over"


def test_anonymous_visitors_are_sent_to_log_in(client: Client, articles: Articles) -> None:
    for url in (
        "/portal/handbook/",
        f"/portal/handbook/{articles.everyone.slug}/",
        "/portal/handbook/suggest/?q=printer",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")
    assert client.get("/desk/handbook/").status_code == 302


def test_staff_use_the_desk_not_the_portal(client: Client, articles: Articles, agent: Any) -> None:
    client.force_login(agent)
    assert client.get("/portal/handbook/").status_code == 404
    assert client.get(f"/desk/handbook/{articles.draft.pk}/").status_code == 200


def test_missing_and_malformed_addresses_are_404(client: Client, articles: Articles, anna: Any) -> None:
    client.force_login(anna)
    for slug in ("no-such-article", "%20", "..", "suggest-me"):
        assert client.get(f"/portal/handbook/{slug}/").status_code == 404, slug


XSS_BODY = """Read this.

<script>alert(1)</script>
<img src=x onerror="alert(2)">
[click](javascript:alert(3))
<iframe src="https://evil.example"></iframe>
"""
UNSAFE = ("<script>alert", "<img src=x onerror", 'onerror="alert', "javascript:", "<iframe")


def test_script_in_an_article_never_reaches_the_page(client: Client, agent: Any, anna: Any) -> None:
    article = write(agent, 'Bad <img src=x onerror="alert(4)"> title', XSS_BODY, public_to_all=True)
    client.force_login(anna)
    html = client.get(f"/portal/handbook/{article.slug}/").content.decode().lower()
    assert "read this." in html
    for bad in UNSAFE:
        assert bad not in html
    assert "&lt;img src=x" in html  # the title is shown as text
    client.force_login(agent)
    desk = client.get(f"/desk/handbook/{article.pk}/").content.decode().lower()
    for bad in UNSAFE:
        assert bad not in desk
