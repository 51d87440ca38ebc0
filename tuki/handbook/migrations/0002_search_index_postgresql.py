"""A full-text index for the handbook's search on PostgreSQL; SQLite searches without one."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS handbook_article_search_fts ON handbook_article "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS handbook_article_search_fts")


class Migration(migrations.Migration):
    dependencies = [("handbook", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
