"""Search by base forms: a weighted tsvector with a GIN index on PostgreSQL, an FTS5 table on SQLite, filled
for the requests already there (``manage.py search_reindex`` does the same again, with a progress bar)."""

import django.contrib.postgres.search
from django.db import migrations

from tuki.search.database import fts_create
from tuki.tickets.search import COLUMNS, TABLE, reindex_all


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ticket_search_vector ON tickets_ticket USING gin (search_vector)"
        )
    else:
        fts_create(TABLE, COLUMNS, schema_editor)
    reindex_all()


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_search_vector")
    else:
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_unread_customer_messages")]

    operations = [
        migrations.RemoveField(model_name="ticket", name="search_text"),
        migrations.AddField(
            model_name="ticket",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create, drop),
    ]
