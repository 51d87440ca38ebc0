"""Reads of the handbook, always through the reader's scope (:func:`tuki.core.scoping.visible_to`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, QuerySet, Value, When

from tuki.accounts.models import User
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.handbook.models import SEARCH, Article, Category, TicketArticle
from tuki.search.query import parse
from tuki.tickets.models import EventKind, Ticket, TicketEvent

SUGGEST_WORDS = 12
MAX_QUERY_LENGTH = 200
MAX_MATCHES = 200  # a search shows the best of these; nobody reads further


def search_articles(queryset: QuerySet[Article], text: str) -> QuerySet[Article]:
    """Best matches first (a match in the title counts most), by base forms: every word must match."""
    ids = SEARCH.ranked_ids(queryset, parse(text[:MAX_QUERY_LENGTH]), stop=MAX_MATCHES)
    return _in_order(queryset, ids)


def _in_order(queryset: QuerySet[Article], ids: list[int]) -> QuerySet[Article]:
    if not ids:
        return queryset.none()
    position = Case(*[When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).order_by(position)


def article_search(user: User, text: str) -> QuerySet[Article]:
    return search_articles(visible_to(user, Article), text).select_related("category")


def suggest_articles(user: User, text: str, limit: int = 5) -> list[Article]:
    """A few articles the user may read that match what they are typing (for the new-request form).

    Unlike the search box, any significant word may match: a description is long and mostly not in any article;
    the articles matching most of its words, the most important ones best, come first. Words are analysed as
    in the search ("laskutus" finds "laskujen lähettäminen", "tulostin" finds "verkkotulostimen").
    """
    limit = max(0, min(limit, 5))
    words = list(dict.fromkeys(w for w in re.findall(r"\w+", text.lower()) if len(w) >= 4))[:SUGGEST_WORDS]
    if not words or not limit:
        return []
    ids = SEARCH.ranked_ids(visible_to(user, Article), parse(" ".join(words)), any_word=True, stop=limit)
    return list(_in_order(Article.objects.all(), ids).only("pk", "slug", "title", "language", "category__name"))


def article_get(user: User, slug: str) -> Article:
    """One article by its address; one the user may not read does not exist (404)."""
    return get_visible_or_404(user, Article.objects.select_related("category"), slug=slug)


def article_get_by_pk(user: User, pk: int) -> Article:
    return get_visible_or_404(user, Article.objects.select_related("category", "author"), pk=pk)


@dataclass
class Section:
    category: Category | None
    articles: list[Article] = field(default_factory=list)


def articles_by_category(user: User) -> list[Section]:
    """The user's articles grouped by category in the categories' order; those without one come last.

    Built from the articles, not the categories, so that a category with nothing for this reader is not shown.
    """
    sections: dict[int | None, Section] = {}
    articles = visible_to(user, Article).select_related("category").defer("body")
    for article in articles.order_by("category__order", "category__name", "title"):
        section = sections.setdefault(article.category_id, Section(article.category))
        section.articles.append(article)
    uncategorised = sections.pop(None, None)
    return [*sections.values(), *([uncategorised] if uncategorised else [])]


def linked_articles(user: User, ticket: Ticket) -> QuerySet[Article]:
    """The articles linked to ``ticket`` that ``user`` may read (the request itself must be visible too)."""
    links = visible_to(user, TicketArticle).filter(ticket=ticket).values("article_id")
    return visible_to(user, Article).filter(pk__in=links).select_related("category").order_by("title")


def readable_by_customer(articles: QuerySet[Article], organisation_id: int) -> set[int]:
    """Which of ``articles`` the organisation's contacts can read, by the same rules as :func:`visible_to`.

    The desk shows it next to a request's links: an agent may link a draft or another customer's article
    for colleagues, and should see that the customer will not.
    """
    scoped = Article.scope_for_contact(Article.scope_for_organisation(articles, organisation_id), None)
    return set(scoped.values_list("pk", flat=True))


@dataclass(frozen=True)
class LinkRow:
    article: Article
    customer_can_read: bool


def ticket_handbook(user: User, ticket: Ticket, history: Iterable[TicketEvent]) -> list[LinkRow]:
    """The articles linked to a request, each marked whether its customer can read it.

    Linking and unlinking are recorded in the request's ``history``: a request whose history shows neither
    (most requests) needs no query at all.
    """
    if not any(event.kind == EventKind.FIELD_CHANGE and event.data.get("field") == "handbook" for event in history):
        return []
    linked = list(linked_articles(user, ticket))
    readable = (
        readable_by_customer(Article.objects.filter(pk__in=[a.pk for a in linked]), ticket.organisation_id)
        if linked
        else set()
    )
    return [LinkRow(article, article.pk in readable) for article in linked]


def articles_to_link(user: User, ticket: Ticket, text: str, limit: int = 10) -> list[Article]:
    """The best matches for ``text`` among the articles the user may read and the request has not linked yet."""
    already = TicketArticle.objects.filter(ticket=ticket).values("article_id")
    return list(article_search(user, text).exclude(pk__in=already)[:limit])
