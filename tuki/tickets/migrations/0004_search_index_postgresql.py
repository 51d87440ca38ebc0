"""A full-text index for the desk's search on PostgreSQL; SQLite searches without one."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS ticket_search_fts ON tickets_ticket "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_search_fts")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_search_and_queue_index")]
    operations = [migrations.RunPython(create, drop)]
