"""The support handbook: search and read the articles the caller may read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from tuki.api.auth import caller
from tuki.api.schemas import errors
from tuki.core.scoping import visible_to
from tuki.handbook.models import Article
from tuki.handbook.selectors import article_get, article_search

router = Router(tags=["handbook"])


class ArticleSummary(Schema):
    id: int
    slug: str
    title: str
    language: str
    category: str | None
    updated_at: datetime


class ArticleOut(ArticleSummary):
    body: str = Field(description="Markdown.")


class ArticleSearch(Schema):
    q: str | None = Field(None, max_length=200, description="Words to find; empty lists the newest.")
    limit: int = Field(20, ge=1, le=100)


def _summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "language": article.language,
        "category": article.category.name if article.category else None,
        "updated_at": article.updated_at,
    }


@router.get(
    "/articles",
    response={200: list[ArticleSummary], **errors(422)},
    summary="Search the handbook",
    description="Articles the caller may read, best matches first (searched by base forms, as in the portal).",
)
def article_list(request: HttpRequest, params: Query[ArticleSearch]) -> list[dict[str, Any]]:
    user = caller(request)
    if params.q and params.q.strip():
        found = article_search(user, params.q)
    else:
        found = visible_to(user, Article).select_related("category").order_by("-updated_at", "-pk")
    return [_summary(article) for article in found[: params.limit]]


@router.get(
    "/articles/{slug}",
    response={200: ArticleOut, **errors(404)},
    summary="Read an article",
    description="One article by its slug.",
)
def article_read(request: HttpRequest, slug: str) -> dict[str, Any]:
    article = article_get(caller(request), slug)
    return {**_summary(article), "body": article.body}
