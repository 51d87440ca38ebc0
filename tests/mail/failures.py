"""A real database failure half-way through the intake: a trigger that refuses to store attachment rows.

It fires inside the intake's transaction after the request and its event are written, the way a full disk or
a lost connection would, so the tests see that nothing is left half-written. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import connection


def fail_attachment_inserts() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER tuki_test_fail BEFORE INSERT ON tickets_attachment "
                "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION tuki_test_fail() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'simulated disk failure'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER tuki_test_fail BEFORE INSERT ON tickets_attachment "
                "FOR EACH ROW EXECUTE FUNCTION tuki_test_fail()"
            )


def drop_failure() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS tuki_test_fail")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS tuki_test_fail ON tickets_attachment")
            cursor.execute("DROP FUNCTION IF EXISTS tuki_test_fail()")
