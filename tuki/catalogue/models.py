"""Service descriptions: the public catalogue text of what the supplier offers, in Finnish, Swedish and English.

Finnish is the language every description must have; a Swedish or English field left empty shows the Finnish
text instead (see :meth:`ServiceDescription.in_language`). Nothing here refers to any customer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("fi", "sv", "en")
FALLBACK_LANGUAGE = "fi"
TRANSLATED_FIELDS = ("title", "summary", "body", "includes")

MARKDOWN_HELP = _(
    "Markdown: ## heading, **bold**, *italics*, lists with - or 1., links as [text](https://…). HTML is removed."
)

# One clear message per field; the admin form uses the same texts (see tuki.catalogue.admin).
TITLE_FI_REQUIRED = _("Give the service a Finnish title. It is also shown whenever a translation is missing.")
SUMMARY_FI_REQUIRED = _("Give the service a Finnish summary. It is shown on the service card on the front page.")
SLUG_REQUIRED = _("Give the service an address (slug), e.g. tukipalvelu-ja-paivystys.")
SLUG_TAKEN = _("Another service description already uses this address (slug). Choose another one.")
TRANSLATION_INCOMPLETE = {
    ("sv", "title"): _(
        "Give a Swedish title as well, or leave every Swedish field empty: the Finnish text is then shown."
    ),
    ("sv", "summary"): _(
        "Give a Swedish summary as well, or leave every Swedish field empty: the Finnish text is then shown."
    ),
    ("en", "title"): _(
        "Give an English title as well, or leave every English field empty: the Finnish text is then shown."
    ),
    ("en", "summary"): _(
        "Give an English summary as well, or leave every English field empty: the Finnish text is then shown."
    ),
}


def active_language() -> str:
    """The active UI language as one of fi/sv/en; anything else counts as Finnish."""
    code = (get_language() or FALLBACK_LANGUAGE).split("-")[0].lower()
    return code if code in LANGUAGE_CODES else FALLBACK_LANGUAGE


@dataclass(frozen=True)
class LocalisedText:
    """A text and the language it is in; ``fallback`` is true when it is Finnish standing in for a translation."""

    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True)
class ServiceText:
    """One service description in one language, ready for a template."""

    slug: str
    url: str
    lang: str
    title: LocalisedText
    summary: LocalisedText
    body: LocalisedText
    includes: LocalisedText


class ServiceDescriptionQuerySet(models.QuerySet["ServiceDescription"]):
    def published(self) -> ServiceDescriptionQuerySet:
        return self.filter(published=True)


class ServiceDescription(models.Model):
    slug = models.SlugField(
        _("address (slug)"),
        max_length=80,
        unique=True,
        help_text=_("The end of the page address: /services/<slug>/. Lower-case letters, digits and hyphens."),
        error_messages={"unique": SLUG_TAKEN, "blank": SLUG_REQUIRED},
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Smaller numbers come first on the front page and in the list.")
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published descriptions are shown on the public pages.")
    )

    title_fi = models.CharField(_("title (Finnish)"), max_length=120, error_messages={"blank": TITLE_FI_REQUIRED})
    summary_fi = models.CharField(
        _("summary (Finnish)"),
        max_length=300,
        help_text=_("One or two sentences for the service card."),
        error_messages={"blank": SUMMARY_FI_REQUIRED},
    )
    body_fi = models.TextField(_("description (Finnish)"), blank=True, help_text=MARKDOWN_HELP)
    includes_fi = models.TextField(_("what the agreement includes (Finnish)"), blank=True, help_text=MARKDOWN_HELP)

    title_sv = models.CharField(_("title (Swedish)"), max_length=120, blank=True)
    summary_sv = models.CharField(_("summary (Swedish)"), max_length=300, blank=True)
    body_sv = models.TextField(_("description (Swedish)"), blank=True, help_text=MARKDOWN_HELP)
    includes_sv = models.TextField(_("what the agreement includes (Swedish)"), blank=True, help_text=MARKDOWN_HELP)

    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body_en = models.TextField(_("description (English)"), blank=True, help_text=MARKDOWN_HELP)
    includes_en = models.TextField(_("what the agreement includes (English)"), blank=True, help_text=MARKDOWN_HELP)

    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ServiceDescriptionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title_fi"]
        verbose_name = _("service description")
        verbose_name_plural = _("service descriptions")

    def __str__(self) -> str:
        return self.title_fi

    def get_absolute_url(self) -> str:
        return reverse("catalogue:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """A translation is either left empty (Finnish is shown) or has at least its title and summary."""
        errors: dict[str, list[str]] = {}
        for language in ("sv", "en"):
            values = {field: str(getattr(self, f"{field}_{language}") or "").strip() for field in TRANSLATED_FIELDS}
            if not any(values.values()):
                continue
            for field in ("title", "summary"):
                if not values[field]:
                    errors.setdefault(f"{field}_{language}", []).append(str(TRANSLATION_INCOMPLETE[language, field]))
        if errors:
            raise ValidationError(errors)

    def localised(self, field: str, language: str | None = None) -> LocalisedText:
        """One field in ``language`` (the active language by default), or in Finnish when that is empty."""
        language = language if language in LANGUAGE_CODES else active_language()
        text = str(getattr(self, f"{field}_{language}") or "")
        if text.strip() or language == FALLBACK_LANGUAGE:
            return LocalisedText(text, language, fallback=False)
        return LocalisedText(str(getattr(self, f"{field}_{FALLBACK_LANGUAGE}") or ""), FALLBACK_LANGUAGE, True)

    def in_language(self, language: str | None = None) -> ServiceText:
        language = language if language in LANGUAGE_CODES else active_language()
        return ServiceText(
            slug=self.slug,
            url=self.get_absolute_url(),
            lang=language,
            title=self.localised("title", language),
            summary=self.localised("summary", language),
            body=self.localised("body", language),
            includes=self.localised("includes", language),
        )

    def languages(self) -> list[str]:
        """The languages this description has a title in (Finnish always)."""
        return [code for code in LANGUAGE_CODES if str(getattr(self, f"title_{code}") or "").strip()]
