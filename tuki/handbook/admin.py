"""Managers keep the handbook's categories here; articles are written on the desk, but may be tidied here too."""

from django.contrib import admin

from tuki.handbook.models import Article, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "language", "public_to_all", "published", "updated_at"]
    list_filter = ["published", "public_to_all", "language", "category"]
    search_fields = ["title", "body"]
    filter_horizontal = ["organisations"]
    readonly_fields = ["author", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
