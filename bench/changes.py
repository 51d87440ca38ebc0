"""Benchmark changes at full size: an environment's timeline in the portal and the desk's change calendar.

Run from the repository root:

    .venv/bin/python bench/changes.py [--changes 200000] [--database sqlite|postgres] [--keep]

Prints one JSON object on stdout (progress goes to stderr). The run uses a database of its own: a fresh SQLite
file in a temporary directory, or a fresh PostgreSQL database (``--pg-name``, ``tuki_bench_changes`` by default)
on postgres://postgres@127.0.0.1:5432, dropped before and after. It

1. migrates, then makes an agent, 200 customers with 5 environments each (1,000), two components per environment
   and two contacts per customer (one a customer manager), with Django's bulk inserts;
2. loads the changes (``--changes``, 200,000 by default; ``--changes 20000`` for a quick check) with planned
   windows spread over the last eight years and the next three months, one environment each (200 per environment
   at full size), in the states their windows imply, five history events each (1,000,000) and a version event
   for every fifth one done (raw ``executemany`` on SQLite, ``COPY`` on PostgreSQL, secondary indexes dropped
   during the load and rebuilt after it; PostgreSQL is then VACUUM ANALYZEd);
3. counts the SQL queries of both pages in-process, on a quiet and on the busiest environment and month;
4. starts gunicorn (2 workers, 1 thread each), logs in through the real login form as ten customer managers and
   as the agent, warms up and times 200 sequential GETs of each: a customer manager's environment page (its whole
   timeline), and the change calendar of a month (this month and eleven others at random) across all customers.

Targets: the timeline page p95 < 30 ms, the calendar p95 < 50 ms. Before timing, it waits (``--wait`` seconds at
most) for other work to leave the CPUs mostly idle and reports how busy they were ("info").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.desk import (  # noqa: E402 - the path above first
    PG_SERVER,
    US,
    count_queries,
    instants,
    log,
    login,
    percentiles,
    pg_admin,
    prepare_environment,
    start_server,
    time_gets,
    wait_for_quiet,
)

PASSWORD = "bench-agent-password-2026"  # noqa: S105 - a throwaway login in a throwaway database
CONTACT_PASSWORD = "bench-contact-password"  # noqa: S105 - as PASSWORD
ORGANISATIONS = 200
ENVIRONMENTS_PER_ORGANISATION = 5
ENVIRONMENT_NAMES = ["Intranet, production", "Intranet, test", "Web shop, production", "Integrations", "Reporting"]
EVENTS_PER_CHANGE = 5
YEARS = 8
AHEAD_DAYS = 90
DAY_US = 86_400 * US
SAMPLES = 200
WARMUP = 30
CHUNK = 100_000
GOALS = {"timeline_page_p95_ms": 30, "calendar_page_p95_ms": 50}
TABLES = ["changes_change", "changes_change_environments", "changes_changeevent", "environments_environmentevent"]

PAST_STATES = ["verified", "implemented", "rolled_back", "cancelled", "declined"]
FUTURE_STATES = ["scheduled", "approved", "proposed", "draft"]
KINDS = ["normal", "standard", "emergency"]
TITLES = [
    "Upgrade the application server",
    "Apply the monthly security patches",
    "Renew the TLS certificate",
    "Add an index to the orders table",
    "Move the nightly import an hour later",
    "Upgrade the database to the next minor version",
    "New field on the customer form",
    "Rotate the integration's API credentials",
]
# The moves of a change that is done, as its five events; other changes repeat their last move.
MOVES = [
    ("created", "{}"),
    ("transition", '{"from": "draft", "to": "proposed"}'),
    ("transition", '{"from": "proposed", "to": "approved"}'),
    ("transition", '{"from": "approved", "to": "scheduled"}'),
    ("transition", '{"from": "scheduled", "to": "implemented"}'),
]


def make_world() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from tuki.accounts.models import Contact, Organisation, Role, User
    from tuki.accounts.services import staff_create
    from tuki.environments.models import Component, Environment, EnvironmentKind

    with transaction.atomic():
        agent = staff_create(email="agent@bench.example", full_name="Aino Agentti", password=PASSWORD)
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Customer {n:03d} Oy", business_id=f"{1000000 + n}-{n % 10}")
            for n in range(1, ORGANISATIONS + 1)
        )
        environments = Environment.objects.bulk_create(
            Environment(
                organisation=organisation,
                name=name,
                kind=EnvironmentKind.PRODUCTION if "production" in name else EnvironmentKind.OTHER,
            )
            for organisation in organisations
            for name in ENVIRONMENT_NAMES
        )
        components = Component.objects.bulk_create(
            Component(environment=environment, name=name, kind=kind, version="1.0")
            for environment in environments
            for name, kind in (("Application", "application"), ("Database", "database"))
        )
        password = make_password(CONTACT_PASSWORD)
        users = User.objects.bulk_create(
            User(
                email=f"contact{n}@customer{o:03d}.example",
                full_name=f"Contact {n} of {o:03d}",
                role=Role.CONTACT,
                password=password,
            )
            for o in range(1, ORGANISATIONS + 1)
            for n in (1, 2)
        )
        Contact.objects.bulk_create(
            Contact(user=user, organisation=organisations[index // 2], is_customer_manager=index % 2 == 0)
            for index, user in enumerate(users)
        )
    return {
        "agent": agent,
        "organisation_ids": np.array([o.pk for o in organisations]),
        "environment_ids": np.array([e.pk for e in environments]),
        "component_ids": np.array([c.pk for c in components]).reshape(len(environments), 2),
        "manager_ids": np.array([u.pk for u in users[::2]]),
        "manager_emails": [u.email for u in users[::2]],
    }


def generate(count: int, world: dict[str, Any], now_us: int, rng: np.random.Generator) -> dict[str, Any]:
    """Every change's columns as numpy arrays (epoch microseconds for instants, -1 for none), oldest first."""
    span = YEARS * 365 * DAY_US
    start = np.sort(now_us - span + (rng.random(count) * (span + AHEAD_DAYS * DAY_US)).astype(np.int64))
    start -= start % (15 * 60 * US)  # windows begin on the quarter hour
    length = rng.choice([1, 2, 2, 3, 4], size=count) * 3600 * US
    created = start - (rng.uniform(1, 30, count) * DAY_US).astype(np.int64)
    environments = len(world["environment_ids"])
    environment = rng.permutation(np.arange(count) % environments)
    past = start + length < now_us
    state = np.where(
        past,
        rng.choice(len(PAST_STATES), size=count, p=[0.7, 0.2, 0.03, 0.05, 0.02]),
        len(PAST_STATES) + rng.choice(len(FUTURE_STATES), size=count, p=[0.6, 0.2, 0.15, 0.05]),
    )
    done = state <= 2
    times = created[:, None] + np.linspace(0, 1, EVENTS_PER_CHANGE)[None, :] * (start - created)[:, None]
    times = times.astype(np.int64)
    times[done, -1] = start[done] + length[done]
    return {
        "count": count,
        "start": start,
        "end": start + length,
        "created": created,
        "environment": environment,
        "organisation": environment // ENVIRONMENTS_PER_ORGANISATION,
        "state": state,
        "done": done,
        "kind": rng.choice(len(KINDS), size=count, p=[0.7, 0.25, 0.05]),
        "title": rng.integers(0, len(TITLES), count),
        "times": times,
    }


def change_rows(data: dict[str, Any], world: dict[str, Any], lo: int, hi: int, vendor: str) -> Iterator[tuple]:
    part = slice(lo, hi)
    states = PAST_STATES + FUTURE_STATES
    start, end = instants(data["start"][part], vendor), instants(data["end"][part], vendor)
    created = instants(data["created"][part], vendor)
    lengths = (data["end"][part] - data["start"][part]).tolist()  # microseconds, as SQLite keeps a duration
    if vendor != "sqlite":
        lengths = [timedelta(microseconds=length) for length in lengths]
    done = data["done"][part].tolist()
    organisation = world["organisation_ids"][data["organisation"][part]].tolist()
    manager = world["manager_ids"][data["organisation"][part]].tolist()
    agent = world["agent"].pk
    for offset, (state, kind, title) in enumerate(
        zip(data["state"][part].tolist(), data["kind"][part].tolist(), data["title"][part].tolist(), strict=True)
    ):
        approved = KINDS[kind] == "normal" and states[state] not in ("draft", "proposed", "cancelled")
        yield (
            lo + offset + 1,
            organisation[offset],
            TITLES[title],
            "Planned in the maintenance window agreed with the customer.",
            KINDS[kind],
            states[state],
            start[offset],
            end[offset],
            lengths[offset],
            start[offset] if done[offset] else None,
            end[offset] if done[offset] else None,
            agent if done[offset] else None,
            "",
            "",
            "",
            "",
            created[offset],
            manager[offset] if approved else None,
            created[offset] if approved else None,
            None,
            None,
            None,
        )


CHANGE_COLUMNS = [
    "id",
    "organisation_id",
    "title",
    "description",
    "kind",
    "state",
    "planned_start",
    "planned_end",
    "planned_length",
    "actual_start",
    "actual_end",
    "implementer_id",
    "risk",
    "impact",
    "rollback_plan",
    "outcome",
    "created_at",
    "approved_by_id",
    "approved_at",
    "acknowledged_by_id",
    "acknowledged_at",
    "reminded_for",
]
LINK_COLUMNS = ["id", "change_id", "environment_id"]
EVENT_COLUMNS = ["id", "change_id", "kind", "actor_id", "data", "created_at"]
VERSION_COLUMNS = [
    "id",
    "environment_id",
    "component_id",
    "field",
    "before",
    "after",
    "actor_id",
    "internal",
    "created_at",
]


def link_rows(data: dict[str, Any], world: dict[str, Any], lo: int, hi: int) -> Iterator[tuple]:
    environment = world["environment_ids"][data["environment"][lo:hi]].tolist()
    for offset, environment_id in enumerate(environment):
        yield (lo + offset + 1, lo + offset + 1, environment_id)


def event_rows(data: dict[str, Any], world: dict[str, Any], lo: int, hi: int, vendor: str) -> Iterator[tuple]:
    agent = world["agent"].pk
    times = [instants(data["times"][lo:hi, column], vendor) for column in range(EVENTS_PER_CHANGE)]
    done = data["done"][lo:hi].tolist()
    for offset in range(hi - lo):
        change_id = lo + offset + 1
        for column in range(EVENTS_PER_CHANGE):
            kind, payload = MOVES[column if done[offset] or column < 4 else 3]
            yield (
                (change_id - 1) * EVENTS_PER_CHANGE + column + 1,
                change_id,
                kind,
                agent,
                payload,
                times[column][offset],
            )


def version_rows(data: dict[str, Any], world: dict[str, Any], vendor: str) -> Iterator[tuple]:
    """The environments' creation, and a version event for every fifth change done (its application's)."""
    agent = world["agent"].pk
    first = instants(np.array([int(data["created"].min()) - DAY_US]), vendor)[0]
    row_id = 0
    for environment_id in world["environment_ids"].tolist():
        row_id += 1
        yield (row_id, environment_id, None, "created", "", "", agent, False, first)
    chosen = np.flatnonzero(data["done"] & (np.arange(data["count"]) % 5 == 0))
    environment = data["environment"][chosen]
    moments = instants(data["end"][chosen], vendor)
    versions: dict[int, int] = {}
    for index, (position, moment) in enumerate(zip(environment.tolist(), moments, strict=True)):
        number = versions.get(position, 0)
        versions[position] = number + 1
        row_id += 1
        yield (
            row_id,
            int(world["environment_ids"][position]),
            int(world["component_ids"][position, 0]),
            "version",
            f"1.{number}",
            f"1.{number + 1}",
            agent,
            False,
            moment,
        )
        del index


class SqliteLoader:
    def __init__(self, path: str) -> None:
        import sqlite3

        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
            self.db.execute(f"PRAGMA {pragma}")
        names = ",".join(f"'{t}'" for t in TABLES)
        self.indexes = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({names})"  # noqa: S608
        ).fetchall()
        self.db.execute("BEGIN")
        for name, _sql in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')

    def insert(self, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
        marks = ",".join("?" * len(columns))
        self.db.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)  # noqa: S608

    def finish(self) -> None:
        for name, sql in self.indexes:
            log(f"  index {name}")
            self.db.execute(sql)
        self.db.execute("COMMIT")
        self.db.execute("ANALYZE")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


class PostgresLoader:
    def __init__(self, dsn: str) -> None:
        import psycopg

        self.db = psycopg.connect(dsn)
        self.db.execute("SET session_replication_role = replica")
        self.db.execute("SET maintenance_work_mem = '512MB'")
        self.db.execute("SET synchronous_commit = off")
        self.indexes = self.db.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
            [TABLES],
        ).fetchall()
        for name, _sql in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')

    def insert(self, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
        quoted = ",".join(f'"{column}"' for column in columns)
        with self.db.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        for name, sql in self.indexes:
            log(f"  index {name}")
            self.db.execute(sql)
        for table in TABLES:
            self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 1))"  # noqa: S608
            )
        self.db.commit()
        self.db.autocommit = True
        for table in TABLES:
            log(f"  vacuum analyze {table}")
            self.db.execute(f"VACUUM ANALYZE {table}")
        self.db.execute("CHECKPOINT")
        self.db.close()


def load(count: int, world: dict[str, Any], vendor: str, pg_name: str) -> tuple[dict[str, Any], float]:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    now_us = int(timezone.now().timestamp() * US)
    data = generate(count, world, now_us, np.random.default_rng(20260314))
    connection.close()
    if vendor == "sqlite":
        loader: SqliteLoader | PostgresLoader = SqliteLoader(str(settings.DATABASES["default"]["NAME"]))
    else:
        loader = PostgresLoader(f"{PG_SERVER}/{pg_name}")
    for lo in range(0, count, CHUNK):
        hi = min(count, lo + CHUNK)
        loader.insert("changes_change", CHANGE_COLUMNS, change_rows(data, world, lo, hi, vendor))
        loader.insert("changes_change_environments", LINK_COLUMNS, link_rows(data, world, lo, hi))
        loader.insert("changes_changeevent", EVENT_COLUMNS, event_rows(data, world, lo, hi, vendor))
        log(f"  loaded changes {hi}/{count} with their events")
    loader.insert("environments_environmentevent", VERSION_COLUMNS, version_rows(data, world, vendor))
    log("  loaded the environments' history; rebuilding indexes")
    loader.finish()
    return data, time.perf_counter() - started


def run(args: argparse.Namespace, var_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tuki.accounts.models import User

    vendor = connection.vendor
    log(f"migrating a fresh {vendor} database")
    call_command("migrate", verbosity=0)
    world = make_world()
    log("made the agent, 200 customers, 1,000 environments, their components and contacts")
    data, load_seconds = load(args.changes, world, vendor, args.pg_name)
    log(f"loaded {args.changes} changes in {load_seconds:.1f}s")

    rng = np.random.default_rng(7)
    # The customers' managers whose environments are read: ten, each reading all five of theirs.
    chosen = rng.choice(ORGANISATIONS, 10, replace=False).tolist()
    environment_ids = world["environment_ids"].reshape(ORGANISATIONS, ENVIRONMENTS_PER_ORGANISATION)
    this_month = timezone.localdate().replace(day=1)
    months = [this_month] + [
        (this_month - timedelta(days=int(days))).replace(day=1) for days in rng.integers(40, YEARS * 365, 11)
    ]
    calendar_paths = [f"/desk/changes/calendar/?month={month:%Y-%m}" for month in months]
    busiest = int(np.bincount(data["environment"]).argmax())
    quiet = int(np.bincount(data["environment"]).argmin())
    manager = User.objects.get(email=world["manager_emails"][chosen[0]])
    queries = count_queries(manager, {"timeline_page": f"/portal/environments/{int(environment_ids[chosen[0], 0])}/"})
    busy_manager = User.objects.get(email=world["manager_emails"][busiest // ENVIRONMENTS_PER_ORGANISATION])
    quiet_manager = User.objects.get(email=world["manager_emails"][quiet // ENVIRONMENTS_PER_ORGANISATION])
    queries |= count_queries(
        busy_manager, {"timeline_busiest": f"/portal/environments/{int(world['environment_ids'][busiest])}/"}
    )
    queries |= count_queries(
        quiet_manager, {"timeline_quietest": f"/portal/environments/{int(world['environment_ids'][quiet])}/"}
    )
    queries |= count_queries(world["agent"], {"calendar_this_month": calendar_paths[0]})
    queries |= count_queries(world["agent"], {"calendar_empty_month": "/desk/changes/calendar/?month=1990-01"})
    log(f"queries per page: {queries}")
    connection.close()

    server, base = start_server(env, var_dir)
    try:
        managers = [
            (login(base, world["manager_emails"][o], CONTACT_PASSWORD, home="/portal/"), environment_ids[o].tolist())
            for o in chosen
        ]
        agent = login(base, world["agent"].email)
        timeline_urls = []
        for n in range(SAMPLES):
            opener, environments = managers[n % len(managers)]
            timeline_urls.append((opener, f"{base}/portal/environments/{environments[(n // len(managers)) % 5]}/"))
        log(f"gunicorn on {base}; logged in; warming up")
        for opener, url in timeline_urls[:WARMUP]:
            time_gets(opener, [url])
        time_gets(agent, [f"{base}{path}" for path in calendar_paths] * 3)
        busy_before = wait_for_quiet(args.wait)
        load_average = [round(x, 2) for x in os.getloadavg()]
        samples: list[float] = []
        for opener, url in timeline_urls:
            samples += time_gets(opener, [url])
        timeline = percentiles(samples)
        log(f"timeline page: {timeline}")
        calendar = percentiles(time_gets(agent, [f"{base}{calendar_paths[n % len(months)]}" for n in range(SAMPLES)]))
        log(f"change calendar: {calendar}")
        this_month_page = percentiles(time_gets(agent, [f"{base}{calendar_paths[0]}"] * (SAMPLES // 4)))
        log(f"change calendar, this month (information): {this_month_page}")
        load_average.append(round(os.getloadavg()[0], 2))
    finally:
        server.terminate()
        server.wait(timeout=30)
    per_month = np.bincount(((data["start"] - data["start"].min()) // (30 * DAY_US)).astype(np.int64))
    return {
        "database": "sqlite" if vendor == "sqlite" else "postgres",
        "customers": ORGANISATIONS,
        "environments": len(world["environment_ids"]),
        "changes": args.changes,
        "events": args.changes * EVENTS_PER_CHANGE,
        "changes_per_environment": round(args.changes / len(world["environment_ids"]), 1),
        "changes_per_month_max": int(per_month.max()),
        "load_seconds": round(load_seconds, 1),
        "timeline_page_ms": timeline,
        "calendar_page_ms": calendar,
        "queries": queries,
        "info": {
            "calendar_this_month_ms": this_month_page,
            "cpus": os.cpu_count(),
            "cpu_busy_before_http": busy_before,
            "load_average_during_http": load_average,
        },
        "targets_met": {
            "timeline_page_p95_lt_30ms": timeline["p95"] < GOALS["timeline_page_p95_ms"],
            "calendar_page_p95_lt_50ms": calendar["p95"] < GOALS["calendar_page_p95_ms"],
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=200_000, help="changes to load (20000 for a quick check)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-name", default="tuki_bench_changes", help="the PostgreSQL database to make and drop")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    parser.add_argument(
        "--wait", type=float, default=180, help="seconds to wait at most for other work to calm down before timing"
    )
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="tuki-bench-changes-"))
    env = prepare_environment(args.database, var_dir)
    if args.database == "postgres":
        env["DATABASE_URL"] = os.environ["DATABASE_URL"] = f"{PG_SERVER}/{args.pg_name}"
    cleanup: list[Callable[[], None]] = []
    if args.database == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {args.pg_name}")
        cleanup.append(lambda: pg_admin(f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)"))
    cleanup.append(lambda: shutil.rmtree(var_dir, ignore_errors=True))
    try:
        result = run(args, var_dir, env)
    finally:
        if args.keep:
            log(f"kept {var_dir}" + (f" and database {args.pg_name}" if args.database == "postgres" else ""))
        else:
            from django.db import connections

            connections.close_all()
            for step in cleanup:
                step()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
