from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Organisation
from tuki.handbook.models import Article, Category


class ArticleForm(forms.Form):
    """Validates the desk's article form; :func:`tuki.handbook.services.article_save` does the writing."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label="–"
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown is allowed: **bold**, lists, [links](https://example.com), tables."),
    )
    public_to_all = forms.BooleanField(
        label=_("For every customer"),
        required=False,
        help_text=_("Otherwise only the customers chosen below can read the article."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Customers"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    published = forms.BooleanField(
        label=_("Published"), required=False, help_text=_("Customers see only published articles.")
    )

    @classmethod
    def for_article(cls, article: Article) -> ArticleForm:
        return cls(
            initial={
                "title": article.title,
                "category": article.category_id,
                "language": article.language,
                "body": article.body,
                "public_to_all": article.public_to_all,
                "organisations": list(article.organisations.all()),
                "published": article.published,
            }
        )
