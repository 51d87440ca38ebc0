"""Managers edit the service descriptions in the admin, one fieldset per language (the admin is for managers only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tuki.catalogue.models import (
    LANGUAGE_CODES,
    SLUG_REQUIRED,
    SLUG_TAKEN,
    SUMMARY_FI_REQUIRED,
    TITLE_FI_REQUIRED,
    TRANSLATED_FIELDS,
    ServiceDescription,
)


def _language_fields(code: str) -> tuple[str, ...]:
    return tuple(f"{field}_{code}" for field in TRANSLATED_FIELDS)


class ServiceDescriptionForm(forms.ModelForm):
    class Meta:
        model = ServiceDescription
        fields = [
            "slug",
            "order",
            "published",
            *(f"{field}_{code}" for code in LANGUAGE_CODES for field in TRANSLATED_FIELDS),
        ]
        widgets = {f"summary_{code}": forms.Textarea(attrs={"rows": 2, "cols": 80}) for code in LANGUAGE_CODES}
        error_messages = {
            "slug": {"required": SLUG_REQUIRED, "unique": SLUG_TAKEN},
            "title_fi": {"required": TITLE_FI_REQUIRED},
            "summary_fi": {"required": SUMMARY_FI_REQUIRED},
        }


@admin.register(ServiceDescription)
class ServiceDescriptionAdmin(admin.ModelAdmin):
    form = ServiceDescriptionForm
    list_display = ["title_fi", "slug", "order", "published", "translations", "updated_at"]
    list_display_links = ["title_fi"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["title_fi", "title_sv", "title_en", "summary_fi", "slug"]
    prepopulated_fields = {"slug": ["title_fi"]}
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["slug", "order", "published", "updated_at"]}),
        (
            _("Finnish"),
            {
                "fields": _language_fields("fi"),
                "description": _("Required. The Finnish text is also shown wherever a translation is left empty."),
            },
        ),
        (
            _("Swedish"),
            {
                "fields": _language_fields("sv"),
                "description": _("Optional. Leave every field empty to show the Finnish text on Swedish pages."),
            },
        ),
        (
            _("English"),
            {
                "fields": _language_fields("en"),
                "description": _("Optional. Leave every field empty to show the Finnish text on English pages."),
            },
        ),
    ]

    @admin.display(description=_("translations"))
    def translations(self, obj: ServiceDescription) -> str:
        return ", ".join(obj.languages())
