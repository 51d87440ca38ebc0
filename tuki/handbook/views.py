"""The handbook in the Online Support Services: behind login, each contact sees what is meant for them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tuki.core.permissions import acting_user, contact_required
from tuki.handbook.selectors import (
    MAX_QUERY_LENGTH,
    article_get,
    article_search,
    articles_by_category,
    suggest_articles,
)

MAX_RESULTS = 50


@contact_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context: dict[str, Any] = {"query": query}
    if query:
        context["results"] = list(article_search(user, query).defer("body")[:MAX_RESULTS])
    else:
        context["sections"] = articles_by_category(user)
    return render(request, "handbook/index.html", context)


@contact_required
@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "handbook/article.html", {"article": article_get(request.user, slug)})


@contact_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """An HTML fragment for htmx: articles that match what the contact is typing into a new request."""
    articles = suggest_articles(request.user, request.GET.get("q", ""))
    return render(request, "handbook/_suggestions.html", {"articles": articles})
