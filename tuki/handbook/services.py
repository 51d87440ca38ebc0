"""Writes on the handbook. Only the supplier's staff write articles and link them to requests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tuki.accounts.models import Organisation, User
from tuki.handbook.models import RESERVED_SLUGS, Article, Category, TicketArticle
from tuki.tickets.models import EventKind, Ticket, TicketEvent


def _require_staff(actor: User) -> None:
    if not getattr(actor, "is_supplier_staff", False):
        raise PermissionDenied(_("Only the support staff may edit the handbook."))


def _unique_slug(title: str, article_pk: int | None) -> str:
    base = slugify(title, allow_unicode=False)[:180] or "article"
    slug, number = base, 1
    taken = Article.objects.all() if article_pk is None else Article.objects.exclude(pk=article_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def article_save(
    *,
    actor: User,
    article: Article | None = None,
    title: str,
    body: str,
    category: Category | None = None,
    language: str,
    public_to_all: bool,
    organisations: Iterable[Organisation] = (),
    published: bool,
    now: datetime | None = None,
) -> Article:
    """Create an article (``article`` None) or change one. The address (slug) is made once, from the title."""
    _require_staff(actor)
    now = now or timezone.now()
    if article is None:
        article = Article(author=actor, created_at=now)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
    article.title = title.strip()
    article.body = body.strip()
    article.category = category
    article.language = language
    article.public_to_all = public_to_all
    article.published = published
    article.updated_at = now
    if not article.slug:
        article.slug = _unique_slug(article.title, article.pk)
    article.full_clean()
    article.save()
    # An article for every customer names none, so that what is stored says what it means.
    article.organisations.set([] if public_to_all else list(organisations))
    return article


def _handbook_event(*, actor: User, ticket: Ticket, article: Article, linked: bool, now: datetime) -> None:
    """An internal history entry: the desk's timeline shows it, the customer's does not."""
    template = (
        _("Linked the handbook article “%(title)s”.") if linked else _("Unlinked the handbook article “%(title)s”.")
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.FIELD_CHANGE,
        actor=actor,
        public=False,
        body=template % {"title": article.title},
        created_at=now,
        data={"field": "handbook", "linked" if linked else "unlinked": article.pk},
    )


@transaction.atomic
def ticket_link_article(*, actor: User, ticket: Ticket, article: Article, now: datetime | None = None) -> TicketArticle:
    """Link an article to a request; linking it again changes nothing."""
    _require_staff(actor)
    now = now or timezone.now()
    link, created = TicketArticle.objects.get_or_create(
        ticket=ticket, article=article, defaults={"linked_by": actor, "created_at": now}
    )
    if created:
        _handbook_event(actor=actor, ticket=ticket, article=article, linked=True, now=now)
    return link


@transaction.atomic
def ticket_unlink_article(*, actor: User, ticket: Ticket, article: Article, now: datetime | None = None) -> bool:
    """Remove the link; False when there was none."""
    _require_staff(actor)
    deleted, _by_model = TicketArticle.objects.filter(ticket=ticket, article=article).delete()
    if deleted:
        _handbook_event(actor=actor, ticket=ticket, article=article, linked=False, now=now or timezone.now())
    return bool(deleted)
