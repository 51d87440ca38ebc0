"""SQLite: the requests' FTS5 table gets a column holding each request's customer, so that a search within one
customer is narrowed inside the index (FTS5 tables take no new columns: the table is made again and filled)."""

from django.db import migrations

from tuki.search.database import fts_create
from tuki.tickets.search import COLUMNS, TABLE, reindex_all


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        return
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    fts_create(TABLE, COLUMNS, schema_editor)
    reindex_all()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0011_lemmatised_search_index")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
