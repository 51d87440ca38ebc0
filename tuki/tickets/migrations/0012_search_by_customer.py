"""SQLite: the requests' FTS5 table gets a column holding each request's customer, so that a search within one
customer is narrowed inside the index. FTS5 tables take no new columns: the table is made again, from the terms
the old one holds (no text is analysed again: 300,000 requests take some 30 seconds)."""

from django.db import migrations

from tuki.search.database import SCOPE_PREFIX, fts_create
from tuki.tickets.search import COLUMNS, SCOPE, TABLE, WEIGHTED


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({TABLE})")
        if SCOPE in [row[1] for row in cursor.fetchall()]:
            return  # made by 0011 already as the code makes it now
    old = f"{TABLE}_old"
    schema_editor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
    fts_create(TABLE, COLUMNS, schema_editor)
    weighted = ", ".join(WEIGHTED)
    from_old = ", ".join(f"f.{column}" for column in WEIGHTED)
    schema_editor.execute(
        f"INSERT INTO {TABLE} (rowid, {weighted}, {SCOPE}) "  # noqa: S608 - our own names
        f"SELECT f.rowid, {from_old}, %s || t.organisation_id FROM {old} f JOIN tickets_ticket t ON t.id = f.rowid",
        [SCOPE_PREFIX],
    )
    schema_editor.execute(f"DROP TABLE {old}")
    # One bulk insert leaves many segments for the next writes to merge (a filing waited 171 ms for it): merge
    # them now, once (5 seconds at 300,000 requests).
    schema_editor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")  # noqa: S608 - our own name


class Migration(migrations.Migration):
    dependencies = [("tickets", "0011_lemmatised_search_index")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
