"""The handbook on the agents' desk: read, search, write and publish articles."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tuki.accounts.auth import acting_user
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to
from tuki.handbook.forms import ArticleForm
from tuki.handbook.models import Article
from tuki.handbook.selectors import MAX_QUERY_LENGTH, article_get_by_pk, articles_to_link, search_articles
from tuki.handbook.services import article_save
from tuki.tickets.selectors import ticket_get


@staff_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    articles = visible_to(acting_user(request), Article)
    if query:
        articles = search_articles(articles, query)
    articles = articles.select_related("category").prefetch_related("organisations").defer("body")
    return render(request, "handbook/desk/list.html", {"articles": articles, "query": query})


@staff_required
@require_GET
def article_pick(request: HttpRequest, identifier: str) -> HttpResponse:
    """Articles to link to a request, found by what the agent types: a fragment for htmx, a page without it."""
    ticket = ticket_get(acting_user(request), identifier)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {"ticket": ticket, "query": query, "articles": articles_to_link(acting_user(request), ticket, query)}
    if request.headers.get("HX-Request"):
        return render(request, "handbook/desk/_picks.html", context)
    return render(request, "handbook/desk/pick.html", context)


@staff_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = article_get_by_pk(acting_user(request), pk)
    return render(
        request,
        "handbook/desk/article.html",
        {"article": article, "organisations": article.organisations.all()},
    )


@staff_required
def article_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@staff_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, article_get_by_pk(acting_user(request), pk))


def _edit(request: HttpRequest, article: Article | None) -> HttpResponse:
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                saved = article_save(actor=acting_user(request), article=article, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            except PermissionDenied as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The article is saved."))
                return redirect("desk_handbook:detail", pk=saved.pk)
    else:
        form = ArticleForm.for_article(article) if article else ArticleForm()
    return render(request, "handbook/desk/form.html", {"form": form, "article": article})


def _add_errors(form: ArticleForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
