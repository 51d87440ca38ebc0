"""New migrations must not lock the big tables for long on PostgreSQL (docs/deploy.md, "Upgrades").

On a table of millions of rows some operations hold a lock that stops every write (or every read) until they
finish: building an index without CONCURRENTLY, adding a constraint that has to check every row, changing a
column's type, and adding a NOT NULL column with a default (cheap on PostgreSQL 11+ for a constant, but Django
then drops the default again, and a value computed per row rewrites the table). On the tables below, a new
migration does these in steps instead: an index with ``AddIndexConcurrently`` in a migration with
``atomic = False``; a column added as nullable, filled in batches, then made NOT NULL; a constraint added as
NOT VALID and validated separately (RunSQL). A migration that does one anyway after thought (a table known to
be small at every customer, a release with announced downtime) says so in ``LOCKS_REVIEWED = "why"``.

Migrations that existed when this rule came are taken as they are (``REVIEWED_UP_TO``).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

# app label -> models whose tables grow with the years (requests and their history, mail, time, audit, changes).
BIG_TABLES = {
    "tickets": {"ticket", "ticketevent", "attachment", "slapause"},
    "mail": {"inboundmessage"},
    "timesheets": {"timeentry"},
    "audit": {"auditentry"},
    "changes": {"change"},
    "sla": {"slanotice"},
    "webhooks": {"delivery", "attempt"},
}
# The highest migration number of each app when this rule came; later ones are checked.
REVIEWED_UP_TO = {
    "accounts": 5, "agreements": 4, "audit": 4, "catalogue": 1, "changes": 2, "core": 1, "environments": 3,
    "handbook": 3, "mail": 3, "mfa": 1, "sla": 1, "tickets": 11, "timesheets": 6, "webhooks": 1,
}  # fmt: skip


def _locking(app: str, operation: Any) -> str | None:
    """Why ``operation`` would hold a long lock on a big table of ``app``, or None."""
    model = getattr(operation, "model_name", None) or getattr(operation, "name", "")
    if str(model).lower() not in BIG_TABLES.get(app, set()):
        return None
    if isinstance(operation, AddIndexConcurrently | RemoveIndexConcurrently):
        return None
    if isinstance(operation, migrations.AddIndex):
        return "an index built without CONCURRENTLY (use AddIndexConcurrently in a non-atomic migration)"
    if isinstance(operation, migrations.AddConstraint):
        return "a constraint checked against every row under lock (add it NOT VALID, then validate)"
    if isinstance(operation, migrations.AlterField):
        return "a column altered in place (type, index or NOT NULL changes rewrite or scan the table)"
    if isinstance(operation, migrations.AlterUniqueTogether | migrations.AlterIndexTogether):
        return "an index built without CONCURRENTLY"
    if isinstance(operation, migrations.AddField):
        field: models.Field[Any, Any] = operation.field
        if field.db_index or field.unique:
            return "an index built without CONCURRENTLY (add the field, then AddIndexConcurrently)"
        if not field.null and not field.many_to_many and (field.has_default() or field.has_db_default()):
            return "a NOT NULL column with a default (add it nullable, fill it in batches, then set NOT NULL)"
    return None


def _number(name: str) -> int:
    return int(name.split("_", 1)[0]) if name[:4].isdigit() else 0


def findings(migration_items: list[tuple[tuple[str, str], Any]]) -> list[str]:
    found = []
    for (app, name), migration in migration_items:
        if _number(name) <= REVIEWED_UP_TO.get(app, 0) or getattr(migration, "LOCKS_REVIEWED", ""):
            continue
        for operation in migration.operations:
            reason = _locking(app, operation)
            if reason:
                found.append(f"{app}/{name}: {operation.describe()}: {reason}")
    return found


def _tuki_migrations() -> list[tuple[tuple[str, str], Any]]:
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    return [
        (key, migration)
        for key, migration in loader.disk_migrations.items()
        if type(migration).__module__.startswith("tuki.")
    ]


def test_no_new_migration_locks_a_big_table() -> None:
    assert findings(_tuki_migrations()) == []


def test_the_rule_flags_what_locks_and_passes_what_does_not() -> None:
    index = models.Index(fields=["subject"], name="ticket_subject_idx")
    flagged = SimpleNamespace(
        operations=[
            migrations.AddIndex("ticket", index),
            migrations.AddField("ticket", "source", models.CharField(max_length=10, default="portal")),
            migrations.AddField("ticketevent", "kind2", models.CharField(max_length=10, db_index=True, null=True)),
            migrations.AddField("handbookarticle", "flag", models.BooleanField(default=False)),  # a small table
        ]
    )
    fine = SimpleNamespace(
        operations=[
            AddIndexConcurrently("ticket", index),
            migrations.AddField("ticket", "source", models.CharField(max_length=10, null=True)),
        ]
    )
    waived = SimpleNamespace(operations=flagged.operations, LOCKS_REVIEWED="announced downtime")
    assert len(findings([(("tickets", "0099_new"), flagged)])) == 3
    assert findings([(("tickets", "0099_new"), fine), (("tickets", "0100_waived"), waived)]) == []
    assert findings([(("tickets", "0005_old"), flagged)]) == []  # before the rule
