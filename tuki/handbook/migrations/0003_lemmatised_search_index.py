"""Search articles by base forms: a weighted tsvector with a GIN index on PostgreSQL, an FTS5 table on SQLite,
filled for the articles already there."""

import django.contrib.postgres.search
from django.db import migrations

from tuki.handbook.models import Article
from tuki.search.database import fts_create

TABLE = "handbook_article_search"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_search_vector ON handbook_article USING gin (search_vector)"
        )
    else:
        fts_create(TABLE, ("title", "body"), schema_editor)
    # Saving each article indexes it (Article.save); the few thousand of a handbook take seconds.
    for article in Article.objects.only("pk", "title", "body", "language").iterator():
        article.save(update_fields=["title"])


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")
    else:
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("handbook", "0002_search_index_postgresql")]

    operations = [
        migrations.RemoveField(model_name="article", name="search_text"),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create, drop),
    ]
