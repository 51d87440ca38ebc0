"""The support handbook: articles behind login, some for every customer and some for named customers only.

Who may read an article is decided here, through :func:`tuki.core.scoping.visible_to`: staff read every
article, a contact reads the published ones that are for every customer or name the contact's organisation.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Organisation, User
from tuki.core.scoping import visible_to
from tuki.search.database import Index, fts_insert, on_postgresql
from tuki.search.documents import Piece, terms_text, tsvector

# Paths under /portal/handbook/ that are not articles.
RESERVED_SLUGS = frozenset({"suggest"})


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."), code="reserved")


COLUMNS = ("title", "body")
SEARCH = Index("search_vector", "handbook_article_search", COLUMNS, (10.0, 1.0))


class ArticleManager(models.Manager["Article"]):
    def get_queryset(self) -> QuerySet[Article]:
        return super().get_queryset().defer("search_vector")  # for the database's search only


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("handbook category")
        verbose_name_plural = _("handbook categories")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, validators=[validate_not_reserved])
    body = models.TextField(_("text"), help_text=_("Markdown is allowed."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    public_to_all = models.BooleanField(
        _("for every customer"),
        default=False,
        help_text=_("Otherwise only the customers chosen below can read the article."),
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="handbook_articles", verbose_name=_("customers")
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Customers see only published articles; staff see every one.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handbook_articles",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # The terms of title (weight A) and text (B), for PostgreSQL's search; SQLite keeps them in SEARCH.table.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = ArticleManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("handbook article")
        verbose_name_plural = _("handbook articles")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Indexed from title and text on every save, so the admin and the services can never disagree on it.
        update_fields = kwargs.get("update_fields")
        indexed = update_fields is None or bool({"title", "body", "language"} & set(update_fields))
        if indexed and on_postgresql():
            self.search_vector = tsvector(self.search_pieces())
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_vector"}
        super().save(*args, **kwargs)
        if indexed and not on_postgresql():
            fts_insert(SEARCH.table, [(self.pk, [terms_text(piece) for piece in self.search_pieces()])], COLUMNS)

    def search_pieces(self) -> list[Piece]:
        return [Piece(self.title, "A", self.language), Piece(self.body, "B", self.language)]

    @classmethod
    def scope_for_organisation(cls, queryset: QuerySet[Article], organisation_id: int) -> QuerySet[Article]:
        # A subquery rather than a join, so an article never appears twice and no DISTINCT is needed.
        chosen = cls.organisations.through.objects.filter(organisation_id=organisation_id).values("article_id")
        return queryset.filter(Q(public_to_all=True) | Q(pk__in=chosen))

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[Article], user: User | None) -> QuerySet[Article]:
        return queryset.filter(published=True)


class TicketArticle(models.Model):
    """A handbook article an agent linked to a request, for the customer (and the next agent) to read."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="handbook_links", verbose_name=_("support request")
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="ticket_links", verbose_name=_("handbook article")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("linked by")
    )
    created_at = models.DateTimeField(_("linked"), default=timezone.now)

    VISIBLE_WITH: ClassVar[str] = "ticket"  # seen by whoever sees the request, and no one else

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["ticket", "article"], name="ticket_article_unique")]
        verbose_name = _("linked handbook article")
        verbose_name_plural = _("linked handbook articles")

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.article_id}"

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[TicketArticle], user: User) -> QuerySet[TicketArticle]:
        # A link to an article the contact may not read (a draft, or one for other customers) stays hidden.
        return queryset.filter(article__in=visible_to(user, Article))
