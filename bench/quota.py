"""Benchmark time, the maintenance quota and invoicing at full size: the desk's quota overview, a customer's
"Quota and costs" page and the invoicing export.

Run from the repository root:

    .venv/bin/python bench/quota.py [--entries 2000000] [--database sqlite|postgres]

Prints one JSON object on stdout (progress goes to stderr). The run uses a database of its own: a fresh SQLite
file in a temporary directory, or a fresh PostgreSQL database (``--pg-database``, ``tuki_bench_quota`` by default)
on postgres://postgres@127.0.0.1:5432, dropped before and after. It

1. migrates, then makes a manager (with an authenticator app) and an agent, 200 customers with three business
   units, a customer manager and a monthly agreement each (a quarter of them carry unused hours over, up to a
   cap; the quotas are set so that some customers pass 80 % and some 100 %), ten requests per customer and month
   over the last twelve full months (one of them with an approved estimate split 60/40 between two units, one
   estimate per customer waiting in the last month), and closes every period but the last for invoicing;
2. loads the time entries over those months (about 4 % additional work, the rest help desk and maintenance,
   1 % corrections): raw ``executemany`` on SQLite, ``COPY`` on PostgreSQL, the secondary indexes dropped during
   the load and rebuilt after it; PostgreSQL is then VACUUM ANALYZEd and checkpointed;
3. counts the SQL queries of each page in-process (django.test.Client);
4. starts gunicorn as bench/desk.py does (2 workers, 1 thread each), logs in through the real login forms (the
   manager with the authenticator's code), and times 200 sequential GETs of the desk overview for the last
   full month (an agent), 200 of one customer's portal page for that month (its customer manager), and 5
   downloads each of the month's invoicing export as CSV and as XLSX (the manager).

Before timing, it waits (``--wait`` seconds at most) until other work leaves the CPUs mostly idle.
"""

from __future__ import annotations

import argparse
import calendar
import http.cookiejar
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.desk import (  # noqa: E402 - the repository root goes on the path first
    PG_SERVER,
    KeepRedirects,
    form_token,
    log,
    percentiles,
    pg_admin,
    start_server,
    time_gets,
    wait_for_quiet,
)

PASSWORD = "bench-manager-password-2026"  # noqa: S105 - a throwaway login in a throwaway database
CONTACT_PASSWORD = "bench-contact-password"  # noqa: S105 - as PASSWORD
ORGANISATIONS = 200
MONTHS = 12
REQUESTS_PER_MONTH = 10
UNITS = ["Finance", "Sales", "IT"]
RATE = Decimal("95.00")
KIND_NAMES = ["help_desk", "maintenance", "additional"]
CORRECTION_SHARE = 0.01
SAMPLES = 200
WARMUP = 20
DOWNLOADS = 5
CHUNK = 100_000
GOALS = {"overview_p95_ms": 100, "portal_quota_p95_ms": 30, "export_seconds": 2.0}
ENTRY_COLUMNS = [
    "id",
    "ticket_id",
    "organisation_id",
    "agreement_id",
    "author_id",
    "day",
    "minutes",
    "kind",
    "description",
    "internal_note",
    "period_start",
    "late",
    "corrects_id",
    "reason",
    "created_at",
]
# The loaders write the entries' rows directly, so they count them in the ledger's running totals (which the time
# services keep on every write) as the migration that made the totals did.
COUNT_TOTALS = (
    "INSERT INTO timesheets_periodtotal (agreement_id, period_start, kind, minutes) "
    "SELECT agreement_id, period_start, kind, SUM(minutes) FROM timesheets_timeentry "
    "GROUP BY agreement_id, period_start, kind"
)
DESCRIPTIONS = ["Vianselvitys", "Päivityksen asennus", "Neuvonta puhelimessa", "Raportin korjaus", "Varmuuskopiot"]


def prepare_environment(database: str, pg_name: str, var_dir: Path) -> dict[str, str]:
    """The variables both this process and gunicorn run with; set before Django's settings load."""
    env = {
        "TUKI_VAR_DIR": str(var_dir),
        "TUKI_ENV": "development",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "tuki.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    if database == "postgres":
        env["DATABASE_URL"] = f"{PG_SERVER}/{pg_name}"
    os.environ.update(env)
    return env


def month_starts(today: date) -> list[date]:
    """The first days of the last twelve full months, oldest first."""
    first = today.replace(day=1)
    starts = []
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


# ----- the world: staff, customers, agreements, requests, estimates --------------------------------------


def make_world(today: date, entries: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from tuki.accounts.models import BusinessUnit, Contact, Organisation, Role, User
    from tuki.accounts.services import staff_create
    from tuki.agreements.models import CarryOver
    from tuki.agreements.services import agreement_save, calendar_save
    from tuki.mfa.services import totp_device_confirm, totp_device_start
    from tuki.tickets.models import Ticket
    from tuki.timesheets import ledger
    from tuki.timesheets.models import ClosedPeriod, CostShare, Estimate

    months = month_starts(today)
    rng = np.random.default_rng(20270101)
    with transaction.atomic():
        manager = staff_create(
            email="manager@bench.example", full_name="Maija Manageri", manager=True, password=PASSWORD
        )
        device = totp_device_start(user=manager)
        totp_device_confirm(user=manager, device=device, code=totp_code(device))
        agent = staff_create(email="agent@bench.example", full_name="Aino Agentti", password=PASSWORD)
        office = calendar_save(actor=manager, name="Office 8-16", weekly=[(d, _at(8), _at(16)) for d in range(5)])
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Customer {n:03d} Oy", business_id=f"{1000000 + n}-{n % 10}")
            for n in range(1, ORGANISATIONS + 1)
        )
        units = BusinessUnit.objects.bulk_create(
            BusinessUnit(organisation=o, name=name, cost_centre=f"CC-{o.pk}-{i}")
            for o in organisations
            for i, name in enumerate(UNITS)
        )
        password = make_password(CONTACT_PASSWORD)
        users = User.objects.bulk_create(
            User(
                email=f"manager@customer{n:03d}.example",
                full_name=f"Manager {n:03d}",
                role=Role.CONTACT,
                password=password,
            )
            for n in range(1, ORGANISATIONS + 1)
        )
        contacts = Contact.objects.bulk_create(
            Contact(user=u, organisation=o, business_unit=units[i * len(UNITS)], is_customer_manager=True)
            for i, (u, o) in enumerate(zip(users, organisations, strict=True))
        )
        # Maintenance per customer and month, as the entries will have it (60 % of the non-additional work at
        # 67.5 minutes on average): the quota lands a little under or over it.
        per_month_hours = entries * 0.96 * 0.6 * 67.5 / 60 / ORGANISATIONS / MONTHS
        agreements = [
            agreement_save(
                actor=manager,
                organisation=organisation,
                service_calendar=office,
                targets={1: (30, 240), 2: (60, 480), 3: (240, 960), 4: (480, 2400)},
                valid_from=months[0],
                quota_hours=Decimal(max(1, round(per_month_hours * float(rng.uniform(0.8, 1.5))))),
                carry_over=CarryOver.CAPPED if index % 4 == 0 else CarryOver.NONE,
                carry_over_cap_hours=Decimal(10),
                hourly_rate=RATE,
            )
            for index, organisation in enumerate(organisations)
        ]
        tickets = Ticket.objects.bulk_create(
            [
                Ticket(
                    organisation=organisation,
                    requester=contacts[o],
                    agreement=agreements[o],
                    business_unit=units[o * len(UNITS) + r % len(UNITS)],
                    state="closed",
                    subject=f"Request {r} of {month:%Y-%m}",
                    created_at=_noon(month),
                    updated_at=_noon(month),
                )
                for o, organisation in enumerate(organisations)
                for month in months
                for r in range(REQUESTS_PER_MONTH)
            ],
            batch_size=1000,  # PostgreSQL takes at most 65,535 parameters in one statement
        )
        ticket_ids = np.array([t.pk for t in tickets]).reshape(ORGANISATIONS, MONTHS, REQUESTS_PER_MONTH)
        amount = ledger.line_amount(6000, RATE)
        estimates = Estimate.objects.bulk_create(
            Estimate(
                ticket_id=int(ticket_ids[o, m, 0]),
                agreement=agreements[o],
                basis="hours",
                minutes=6000,
                hourly_rate=RATE,
                amount=amount,
                description="Lisätyö",
                state="approved",
                proposed_by=agent,
                decided_by=users[o],
                approved_minutes=6000,
                approved_amount=amount,
            )
            for o in range(ORGANISATIONS)
            for m in range(MONTHS)
        )
        CostShare.objects.bulk_create(
            CostShare(estimate=estimate, business_unit=units[(index // MONTHS) * len(UNITS) + share], percent=percent)
            for index, estimate in enumerate(estimates)
            for share, percent in ((0, 60), (1, 40))
        )
        Estimate.objects.bulk_create(
            Estimate(
                ticket_id=int(ticket_ids[o, MONTHS - 1, 1]),
                agreement=agreements[o],
                basis="hours",
                minutes=240,
                hourly_rate=RATE,
                amount=ledger.line_amount(240, RATE),
                description="Odottaa",
                proposed_by=agent,
            )
            for o in range(ORGANISATIONS)
        )
        ClosedPeriod.objects.bulk_create(
            ClosedPeriod(agreement=agreement, start=month, end=_next_month(month), closed_by=manager)
            for agreement in agreements
            for month in months[:-1]
        )
    return {
        "manager": manager,
        "device": device,
        "agent": agent,
        "months": months,
        "organisation_ids": np.array([o.pk for o in organisations]),
        "agreement_ids": np.array([a.pk for a in agreements]),
        "ticket_ids": ticket_ids,
        "customer_managers": [u.email for u in users],
    }


def _at(hour: int) -> clock_time:
    return clock_time(hour)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Europe/Helsinki"))


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def totp_code(device: Any) -> str:
    """The code the manager's app shows now, or the next one when this one was used (codes are single-use)."""
    from django_otp.oath import totp

    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step
    drift = max(now, device.last_t + 1) - now
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


# ----- the time entries, as column arrays ----------------------------------------------------------------


def generate(count: int, world: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    originals = count - round(count * CORRECTION_SHARE)
    organisation = rng.integers(0, ORGANISATIONS, originals)
    month = rng.integers(0, MONTHS, originals)
    lengths = np.array([calendar.monthrange(m.year, m.month)[1] for m in world["months"]])
    day = (rng.random(originals) * lengths[month]).astype(np.int64)
    request = rng.choice(REQUESTS_PER_MONTH, size=originals, p=[0.04] + [0.96 / 9] * 9)
    kind = np.where(request == 0, 2, np.where(rng.random(originals) < 0.4, 0, 1))
    minutes = rng.integers(1, 9, originals) * 15
    # Corrections: a part of an earlier entry taken back, in the same period.
    corrected = rng.integers(0, originals, count - originals)
    return {
        "organisation": np.concatenate([organisation, organisation[corrected]]),
        "month": np.concatenate([month, month[corrected]]),
        "day": np.concatenate([day, day[corrected]]),
        "request": np.concatenate([request, request[corrected]]),
        "kind": np.concatenate([kind, kind[corrected]]),
        "minutes": np.concatenate([minutes, -np.minimum(minutes[corrected], 15)]),
        "corrects": np.concatenate([np.full(originals, -1), corrected + 1]),
    }


def entry_rows(data: dict[str, np.ndarray], world: dict[str, Any], lo: int, hi: int, vendor: str) -> Iterator[tuple]:
    months = world["months"]
    day_text = {(m, d): (months[m] + timedelta(days=d)) for m in range(MONTHS) for d in range(31)}
    author = world["agent"].pk
    organisation = data["organisation"][lo:hi].tolist()
    month = data["month"][lo:hi].tolist()
    days = data["day"][lo:hi].tolist()
    request = data["request"][lo:hi].tolist()
    kind = data["kind"][lo:hi].tolist()
    minutes = data["minutes"][lo:hi].tolist()
    corrects = data["corrects"][lo:hi].tolist()
    tickets, organisations, agreements = world["ticket_ids"], world["organisation_ids"], world["agreement_ids"]
    late = False if vendor == "postgresql" else 0
    suffix = "+00" if vendor == "postgresql" else ""
    for index in range(hi - lo):
        o, m = organisation[index], month[index]
        day = day_text[(m, days[index])]
        correction = corrects[index] >= 0
        yield (
            lo + index + 1,
            int(tickets[o, m, request[index]]),
            int(organisations[o]),
            int(agreements[o]),
            author,
            day,
            minutes[index],
            KIND_NAMES[kind[index]],
            "" if correction else DESCRIPTIONS[index % len(DESCRIPTIONS)],
            "",
            months[m],
            late,
            corrects[index] if correction else None,
            "Väärä laji" if correction else "",
            f"{day.isoformat()} 10:00:00{suffix}",
        )


class SqliteLoader:
    def __init__(self, path: str) -> None:
        import sqlite3

        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
            self.db.execute(f"PRAGMA {pragma}")
        self.indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            "AND tbl_name = 'timesheets_timeentry'"
        ).fetchall()
        self.db.execute("BEGIN")
        for name, _sql in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')

    def insert(self, rows: Iterable[tuple]) -> None:
        marks = ",".join("?" * len(ENTRY_COLUMNS))
        self.db.executemany(
            f"INSERT INTO timesheets_timeentry ({','.join(ENTRY_COLUMNS)}) VALUES ({marks})",  # noqa: S608
            ((*row[:5], row[5].isoformat(), *row[6:10], row[10].isoformat(), *row[11:]) for row in rows),
        )

    def finish(self) -> None:
        for name, sql in self.indexes:
            log(f"  index {name}")
            self.db.execute(sql)
        log("  running totals")
        self.db.execute(COUNT_TOTALS)
        self.db.execute("COMMIT")
        self.db.execute("ANALYZE")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


class PostgresLoader:
    def __init__(self, dsn: str) -> None:
        import psycopg

        self.db = psycopg.connect(dsn)
        self.db.execute("SET session_replication_role = replica")  # no per-row foreign key triggers in the load
        self.db.execute("SET maintenance_work_mem = '1GB'")
        self.db.execute("SET synchronous_commit = off")
        self.indexes = self.db.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = 'timesheets_timeentry' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
        ).fetchall()
        for name, _sql in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')

    def insert(self, rows: Iterable[tuple]) -> None:
        with self.db.cursor().copy(f"COPY timesheets_timeentry ({','.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        for name, sql in self.indexes:
            log(f"  index {name}")
            self.db.execute(sql)
        log("  running totals")
        self.db.execute(COUNT_TOTALS)
        self.db.execute(
            "SELECT setval(pg_get_serial_sequence('timesheets_timeentry', 'id'), "
            "(SELECT max(id) FROM timesheets_timeentry))"
        )
        self.db.commit()
        self.db.autocommit = True
        log("  vacuum analyze")
        tables = ["timesheets_timeentry", "timesheets_periodtotal", "tickets_ticket", "timesheets_estimate"]
        for table in [*tables, "timesheets_costshare"]:
            self.db.execute(f"VACUUM ANALYZE {table}")
        self.db.execute("CHECKPOINT")
        self.db.close()


def load(count: int, world: dict[str, Any], vendor: str, pg_name: str) -> float:
    from django.conf import settings
    from django.db import connection

    started = time.perf_counter()
    data = generate(count, world, np.random.default_rng(20270102))
    connection.close()
    if vendor == "sqlite":
        loader: SqliteLoader | PostgresLoader = SqliteLoader(str(settings.DATABASES["default"]["NAME"]))
    else:
        loader = PostgresLoader(f"{PG_SERVER}/{pg_name}")
    for lo in range(0, count, CHUNK):
        hi = min(count, lo + CHUNK)
        loader.insert(entry_rows(data, world, lo, hi, vendor))
        log(f"  loaded entries {hi}/{count}")
    loader.finish()
    return time.perf_counter() - started


# ----- measuring -----------------------------------------------------------------------------------------


def count_queries(user: Any, paths: dict[str, str], device: Any = None) -> dict[str, int]:
    from django.db import connection
    from django.http import HttpRequest
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import login as otp_login

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if device is not None:  # the second step, as the verification page marks it
        session = client.session
        request = HttpRequest()
        request.session = session
        request.user = user
        otp_login(request, device)
        session.save()
    counts = {}
    for name, path in paths.items():
        client.get(path)  # warm the caches a worker keeps
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        counts[name] = len(queries.captured_queries)
    return counts


def _post(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> None:
    try:
        opener.open(url, data=urllib.parse.urlencode(fields).encode()).read()
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    else:
        raise RuntimeError(f"{url} did not accept the form")


def login(base: str, email: str, password: str, home: str, device: Any = None) -> urllib.request.OpenerDirector:
    """Log in through the login form, and the second step's form with the app's code when ``device`` is given."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), KeepRedirects())
    token = form_token(opener, f"{base}/accounts/login/")
    _post(opener, f"{base}/accounts/login/", {"csrfmiddlewaretoken": token, "username": email, "password": password})
    if device is not None:
        token = form_token(opener, f"{base}/accounts/two-step/verify/")
        code = totp_code(device)
        _post(opener, f"{base}/accounts/two-step/verify/", {"csrfmiddlewaretoken": token, "code": code})
    with opener.open(f"{base}{home}") as response:
        if response.status != 200:
            raise RuntimeError(f"{home} did not open after logging in")
    return opener


def download_seconds(opener: urllib.request.OpenerDirector, url: str) -> dict[str, float]:
    samples = []
    size = 0
    for _ in range(DOWNLOADS):
        began = time.perf_counter()
        with opener.open(url) as response:
            size = len(response.read())
        samples.append(time.perf_counter() - began)
    return {"median": round(float(np.median(samples)), 3), "max": round(max(samples), 3), "bytes": size}


def run(args: argparse.Namespace, var_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tuki.timesheets.models import TimeEntry

    vendor = connection.vendor
    log(f"migrating a fresh {vendor} database")
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    world = make_world(today, args.entries)
    log(f"made 200 customers, {world['ticket_ids'].size} requests, estimates and closed periods")
    load_seconds = load(args.entries, world, vendor, args.pg_database)
    log(f"loaded {args.entries} time entries in {load_seconds:.1f}s")
    month = world["months"][-1]
    period = f"?period={month + timedelta(days=14):%Y-%m-%d}"
    customer = 9  # the tenth customer, as bench/desk.py filters by
    overview_path = f"/desk/quota/{period}"
    portal_path = f"/portal/quota/{period}"
    csv_path = f"/desk/quota/invoicing.csv{period}"
    xlsx_path = f"/desk/quota/invoicing.xlsx{period}"
    entries_in_month = TimeEntry.objects.filter(period_start=month).count()
    from tuki.accounts.models import User

    contact = User.objects.get(email=world["customer_managers"][customer])
    queries = count_queries(world["agent"], {"overview": overview_path})
    queries |= count_queries(contact, {"portal_quota": portal_path})
    queries |= count_queries(world["manager"], {"export_csv": csv_path, "export_xlsx": xlsx_path}, world["device"])
    log(f"queries per page: {queries}")
    connection.close()

    server, base = start_server(env, var_dir)
    try:
        agent = login(base, world["agent"].email, PASSWORD, "/desk/")
        portal = login(base, world["customer_managers"][customer], CONTACT_PASSWORD, "/portal/")
        manager = login(base, world["manager"].email, PASSWORD, "/desk/quota/", world["device"])
        log(f"gunicorn on {base}; logged in; warming up")
        time_gets(agent, [f"{base}{overview_path}"] * WARMUP)
        time_gets(portal, [f"{base}{portal_path}"] * WARMUP)
        busy = wait_for_quiet(args.wait)
        load_average = [round(x, 2) for x in os.getloadavg()]
        overview = percentiles(time_gets(agent, [f"{base}{overview_path}"] * SAMPLES))
        log(f"desk overview: {overview}")
        portal_page = percentiles(time_gets(portal, [f"{base}{portal_path}"] * SAMPLES))
        log(f"portal quota page: {portal_page}")
        export_csv = download_seconds(manager, f"{base}{csv_path}")
        log(f"export CSV: {export_csv}")
        export_xlsx = download_seconds(manager, f"{base}{xlsx_path}")
        log(f"export XLSX: {export_xlsx}")
        load_average.append(round(os.getloadavg()[0], 2))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "database": "sqlite" if vendor == "sqlite" else "postgres",
        "entries": args.entries,
        "entries_in_the_month": entries_in_month,
        "month": month.isoformat(),
        "load_seconds": round(load_seconds, 1),
        "overview_ms": overview,
        "portal_quota_ms": portal_page,
        "export_csv_seconds": export_csv,
        "export_xlsx_seconds": export_xlsx,
        "queries": queries,
        "info": {"cpus": os.cpu_count(), "cpu_busy_before_http": busy, "load_average_during_http": load_average},
        "targets_met": {
            "overview_p95_lt_100ms": overview["p95"] < GOALS["overview_p95_ms"],
            "portal_quota_p95_lt_30ms": portal_page["p95"] < GOALS["portal_quota_p95_ms"],
            "export_csv_lt_2s": export_csv["max"] < GOALS["export_seconds"],
            "export_xlsx_lt_2s": export_xlsx["max"] < GOALS["export_seconds"],
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-database", default="tuki_bench_quota", help="the PostgreSQL database to make and drop")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    parser.add_argument(
        "--wait", type=float, default=180, help="seconds to wait at most for other work to calm down before timing"
    )
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="tuki-bench-quota-"))
    env = prepare_environment(args.database, args.pg_database, var_dir)
    cleanup: list[Callable[[], None]] = []
    if args.database == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {args.pg_database} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {args.pg_database}")
        cleanup.append(lambda: pg_admin(f"DROP DATABASE IF EXISTS {args.pg_database} WITH (FORCE)"))
    cleanup.append(lambda: shutil.rmtree(var_dir, ignore_errors=True))
    started = time.perf_counter()
    try:
        result = run(args, var_dir, env)
    finally:
        if args.keep:
            log(f"kept {var_dir}" + (f" and database {args.pg_database}" if args.database == "postgres" else ""))
        else:
            from django.db import connections

            connections.close_all()
            for step in cleanup:
                step()
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
