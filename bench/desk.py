"""Benchmark the agents' desk at full size: queue pages, request pages and request creation.

Run from the repository root:

    .venv/bin/python bench/desk.py [--requests 1000000] [--database sqlite|postgres] [--pg-name tuki_bench]

Prints one JSON object on stdout (progress goes to stderr). The run uses a database of its own: a fresh
SQLite file in a temporary directory, or a fresh PostgreSQL database (``--pg-name``, ``tuki_bench`` by default) on
postgres://postgres@127.0.0.1:5432 (dropped before and after). It

1. migrates, then makes 4 staff (3 agents, 1 manager), 2 service-hours calendars, 200 customers with
   business units, environments, 5 named contacts and an agreement each (through the services where it
   matters, bulk inserts elsewhere), then loads the requests (2 % open) spread over the last 12 months with
   deadlines from the SLA engine's vectorised form, 5 events each, their SLA pauses and a few attachments
   (raw ``executemany`` on SQLite, ``COPY`` on PostgreSQL; secondary indexes are dropped during the load and
   rebuilt after it; PostgreSQL is then VACUUM ANALYZEd as autovacuum would, and checkpointed);
2. counts the SQL queries of a queue page and a request page in-process (django.test.Client);
3. starts gunicorn (2 workers, 1 thread each), logs in through the real login form, warms up and times
   200 sequential GETs each of the default queue, a filtered queue page and request pages (open and closed);
4. over the same gunicorn, times 1,000 requests filed one after another through the portal's form by a logged-in
   contact, and 1,000 agent's replies through the desk's reply form (the CSRF token fetched once, as a browser
   keeps it; the redirect after each write not followed), then reads each web worker's peak resident memory
   (VmHWM) from /proc after that mixed run;
5. starts the job worker (``manage.py run_huey``), lets it send the notifications those writes queued and run
   at least one tick of the periodic jobs (the SLA sweep over every open request), and reads its VmHWM;
6. times request creation through ``tuki.tickets.services.ticket_create`` in-process (one transaction each,
   including the notification job queued on commit; without REDIS_URL that queue is var/huey.sqlite3).

Before timing, it waits (``--wait`` seconds at most) until other work leaves the CPUs mostly idle, and reports
how busy they were ("info"), with the times of /healthz (the fixed cost of one request) and, without a target,
of the "All" tab (every request, nearest deadline first).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "tuki_bench"
PASSWORD = "bench-agent-password-2026"  # noqa: S105 - a throwaway login in a throwaway database
ORGANISATIONS = 200
CONTACTS_PER_ORGANISATION = 5
UNITS = ["Finance", "Sales", "IT"]
ENVIRONMENTS = ["Production", "Test"]
EVENTS_PER_REQUEST = 5
OPEN_SHARE = 0.02
TARGETS = {1: (30, 240), 2: (60, 480), 3: (240, 960), 4: (480, 2400)}  # minutes: (first response, resolution)
SAMPLES = 200
WARMUP = 30
CREATIONS = 2000
CHUNK = 100_000
US = 1_000_000
DAY_US = 86_400 * US
QUIET = 0.25  # CPU share busy with other work below which timing starts (see wait_for_quiet)
WRITES = 1000  # filings and replies over HTTP, each
CONTACT_PASSWORD = "bench-contact-password"  # noqa: S105 - as PASSWORD
GOALS = {
    "queue_page_p95_ms": 30,
    "filtered_page_p95_ms": 50,
    "request_page_p95_ms": 15,
    "creations_per_second": 400,
    "filings_per_second": 250,
    "filing_p95_ms": 6,
    "replies_per_second": 250,
    "reply_p95_ms": 6,
    "web_worker_peak_mb": 100,
    "job_worker_peak_mb": 120,
}

STATES = ["new", "in_progress", "waiting_for_customer", "reopened", "resolved", "closed", "cancelled"]
NEW, IN_PROGRESS, WAITING, REOPENED, RESOLVED, CLOSED, CANCELLED = range(7)
KINDS = ["incident", "service_request", "question", "change_request", "development_request"]
CHANNELS = ["portal", "email", "phone", "api"]
SUBJECTS = [
    "Login fails for new users",
    "Nightly import job failed",
    "Intranet front page loads slowly",
    "Order confirmations are not sent",
    "New user group for the intranet",
    "Report export times out",
    "Certificate expires next month",
    "Search returns no results",
    "Add a field to the customer form",
    "Password reset mail never arrives",
    "Integration returns HTTP 500",
    "Change the invoice template",
]
BODIES = [
    "We are looking into this and will get back to you today.",
    "Could you send a screenshot of the error message and the time it happened?",
    "The fix is deployed to production; please check that it works for you.",
    "Thanks, it works now.",
    "The log shows a timeout towards the payment provider at 02:14. Investigating.",
    "We restarted the import and it completed. The root cause was a full disk.",
    "Still happening for some users, see the attached list.",
    "Planned for the next maintenance window on Thursday.",
]
# Per state, the five events: (kind, who, public, has body, data); who is requester, agent or none.
EVENT_PLANS: dict[int, list[tuple[str, str, bool, bool, str]]] = {
    NEW: [
        ("created", "requester", True, False, "channel"),
        ("field_change", "agent", True, False, "priority"),
        ("note", "agent", False, True, ""),
        ("reply", "requester", True, True, ""),
        ("note", "agent", False, True, ""),
    ],
    IN_PROGRESS: [
        ("created", "requester", True, False, "channel"),
        ("assignment", "agent", False, False, "assign"),
        ("transition", "agent", True, False, "new>in_progress"),
        ("reply", "agent", True, True, ""),
        ("reply", "requester", True, True, ""),
    ],
    WAITING: [
        ("created", "requester", True, False, "channel"),
        ("assignment", "agent", False, False, "assign"),
        ("transition", "agent", True, False, "new>in_progress"),
        ("reply", "agent", True, True, ""),
        ("transition", "agent", True, False, "in_progress>waiting_for_customer"),
    ],
    REOPENED: [
        ("created", "requester", True, False, "channel"),
        ("assignment", "agent", False, False, "assign"),
        ("reply", "agent", True, True, ""),
        ("transition", "agent", True, False, "new>resolved"),
        ("transition", "requester", True, False, "resolved>reopened"),
    ],
    RESOLVED: [
        ("created", "requester", True, False, "channel"),
        ("assignment", "agent", False, False, "assign"),
        ("transition", "agent", True, False, "new>in_progress"),
        ("reply", "agent", True, True, ""),
        ("transition", "agent", True, False, "in_progress>resolved"),
    ],
    CLOSED: [
        ("created", "requester", True, False, "channel"),
        ("assignment", "agent", False, False, "assign"),
        ("reply", "agent", True, True, ""),
        ("transition", "agent", True, False, "new>resolved"),
        ("transition", "none", True, False, "resolved>closed"),
    ],
    CANCELLED: [
        ("created", "requester", True, False, "channel"),
        ("note", "agent", False, True, ""),
        ("reply", "agent", True, True, ""),
        ("reply", "requester", True, True, ""),
        ("transition", "requester", True, False, "new>cancelled"),
    ],
}

_started = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)


# ----- environment and database --------------------------------------------------------------------------


def prepare_environment(database: str, var_dir: Path) -> dict[str, str]:
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
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    os.environ.update(env)
    return env


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


# ----- the world: staff, calendars, customers, agreements ------------------------------------------------


def make_world() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from tuki.accounts.models import BusinessUnit, Contact, Organisation, Role, User
    from tuki.accounts.services import staff_create
    from tuki.agreements.services import agreement_save, calendar_save
    from tuki.environments.models import Environment

    today = timezone.localdate()
    with transaction.atomic():
        manager = staff_create(
            email="manager@bench.example", full_name="Maija Manageri", manager=True, password=PASSWORD
        )
        agents = [
            staff_create(email=f"agent{n}@bench.example", full_name=name, password=PASSWORD)
            for n, name in enumerate(["Aino Agentti", "Ville Virtanen", "Eeva Ek"], start=1)
        ]
        office = calendar_save(
            actor=manager, name="Office 8-16", weekly=[(d, clock_time(8), clock_time(16)) for d in range(5)]
        )
        on_call = calendar_save(
            actor=manager,
            name="On call 24/7",
            weekly=[(d, clock_time(0), None) for d in range(7)],
            holiday_country="",
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Customer {n:03d} Oy", business_id=f"{1000000 + n}-{n % 10}")
            for n in range(1, ORGANISATIONS + 1)
        )
        units = BusinessUnit.objects.bulk_create(
            BusinessUnit(organisation=organisation, name=name) for organisation in organisations for name in UNITS
        )
        environments = Environment.objects.bulk_create(
            Environment(organisation=organisation, name=name) for organisation in organisations for name in ENVIRONMENTS
        )
        password = make_password(CONTACT_PASSWORD)  # hashed once, shared by every contact
        users = User.objects.bulk_create(
            User(
                email=f"contact{n}@customer{o:03d}.example",
                full_name=f"Contact {n} of {o:03d}",
                role=Role.CONTACT,
                password=password,
            )
            for o in range(1, ORGANISATIONS + 1)
            for n in range(1, CONTACTS_PER_ORGANISATION + 1)
        )
        contacts = Contact.objects.bulk_create(
            Contact(
                user=users[index],
                organisation=organisations[index // CONTACTS_PER_ORGANISATION],
                business_unit=units[(index // CONTACTS_PER_ORGANISATION) * len(UNITS) + index % len(UNITS)],
                is_customer_manager=index % CONTACTS_PER_ORGANISATION == 0,
            )
            for index in range(len(users))
        )
        agreements = [
            agreement_save(
                actor=manager,
                organisation=organisation,
                service_calendar=office,
                includes_on_call=index % 2 == 0,
                on_call_calendar=on_call,
                targets=TARGETS,
                valid_from=today - timedelta(days=400),
                environments=environments[index * len(ENVIRONMENTS) : (index + 1) * len(ENVIRONMENTS)],
            )
            for index, organisation in enumerate(organisations)
        ]
    return {
        "manager": manager,
        "agents": agents,
        "office": office,
        "on_call": on_call,
        "organisation_ids": np.array([o.pk for o in organisations]),
        "on_call_by_organisation": np.array([a.includes_on_call for a in agreements]),
        "agreement_ids": np.array([a.pk for a in agreements]),
        "environment_ids": np.array([e.pk for e in environments]).reshape(ORGANISATIONS, len(ENVIRONMENTS)),
        "contact_ids": np.array([c.pk for c in contacts]),
        "contact_user_ids": np.array([u.pk for u in users]),
        "contact_unit_ids": np.array([c.business_unit_id for c in contacts]),
    }


# ----- the requests, as column arrays --------------------------------------------------------------------


def generate(count: int, world: dict[str, Any], now_us: int, rng: np.random.Generator) -> dict[str, Any]:
    """Every request's columns as numpy arrays (epoch microseconds for instants, -1 for none)."""
    from django.utils import timezone

    from tuki.agreements.calendars import engine_for
    from tuki.sla.clock import AT_RISK_SHARE

    created = np.sort(now_us - (rng.random(count) * 365 * DAY_US).astype(np.int64))
    age_days = (now_us - created) / DAY_US
    weights = 1.0 / np.arange(1, ORGANISATIONS + 1) ** 0.8  # a few big customers, a long tail
    organisation = rng.choice(ORGANISATIONS, size=count, p=weights / weights.sum())
    contact = organisation * CONTACTS_PER_ORGANISATION + rng.integers(0, CONTACTS_PER_ORGANISATION, count)
    priority = rng.choice([1, 2, 3, 4], size=count, p=[0.05, 0.20, 0.55, 0.20])
    kind = rng.choice(len(KINDS), size=count, p=[0.45, 0.25, 0.15, 0.10, 0.05])
    channel = rng.choice(len(CHANNELS), size=count, p=[0.6, 0.3, 0.08, 0.02])

    # About 2 % open, mostly the recent ones (a Gumbel top-k over weights that halve every three weeks).
    open_count = round(count * OPEN_SHARE)
    keys = -age_days / 30.0 + rng.gumbel(size=count)
    open_index = np.argpartition(-keys, open_count)[:open_count] if open_count < count else np.arange(count)
    state = np.full(count, CLOSED)
    state[open_index] = rng.choice([NEW, IN_PROGRESS, WAITING, REOPENED], size=open_count, p=[0.25, 0.45, 0.2, 0.1])
    closed = state == CLOSED
    state[closed & (rng.random(count) < 0.05)] = CANCELLED

    # When work ended: resolution some hours to days after the start, never in the future.
    span = now_us - created
    work = (np.exp(rng.normal(np.log(20), 1.2, count)) * 3600 * US).astype(np.int64)
    finished = created + np.minimum(work, (span * 0.95).astype(np.int64))
    resolved_at = np.where(np.isin(state, [RESOLVED, CLOSED, REOPENED]), finished, -1)
    confirm = (rng.random(count) * 14 * DAY_US).astype(np.int64)
    closing = state == CLOSED
    still_resolved = closing & (finished + confirm >= now_us) & (now_us - finished < 14 * DAY_US)
    state[still_resolved] = RESOLVED
    closed_at = np.where(state == CLOSED, np.minimum(finished + confirm, now_us - US), -1)
    closed_at = np.where(state == CANCELLED, finished, closed_at)
    # The last activity: the end of work for finished ones, somewhere since the start for open ones.
    last = np.where(closed_at >= 0, closed_at, np.where(resolved_at >= 0, resolved_at, -1))
    open_last = created + (span * rng.uniform(0.3, 0.99, count)).astype(np.int64)
    last = np.where(last >= 0, last, open_last)
    last = np.maximum(last, created + 5 * EVENTS_PER_REQUEST * US)
    # Five event times from the start to the last activity.
    steps = np.sort(rng.random((count, EVENTS_PER_REQUEST - 1)), axis=1)
    times = np.empty((count, EVENTS_PER_REQUEST), dtype=np.int64)
    times[:, 0] = created
    times[:, 1:] = created[:, None] + (steps * (last - created)[:, None]).astype(np.int64)
    times[:, -1] = last
    times = np.maximum.accumulate(times + np.arange(EVENTS_PER_REQUEST), axis=1)  # strictly increasing
    if np.any(state == REOPENED):
        reopened = state == REOPENED
        resolved_at[reopened] = times[reopened, 3]
    first_responded = np.where(state == NEW, -1, times[:, 2])

    agents = np.array([a.pk for a in world["agents"]])
    assignee = agents[rng.integers(0, len(agents), count)]
    assignee = np.where((state <= REOPENED) & (rng.random(count) < 0.3), -1, assignee)
    assignee = np.where((state == CANCELLED) & (rng.random(count) < 0.5), -1, assignee)
    environment = world["environment_ids"][organisation, rng.integers(0, len(ENVIRONMENTS), count)]
    environment = np.where(rng.random(count) < 0.3, -1, environment)

    # Deadlines from the SLA engine, one vectorised call per calendar and clock.
    on_call = world["on_call_by_organisation"][organisation] & (priority == 1)
    deadlines = {name: np.full(count, -1, dtype=np.int64) for name in ("fr_due", "fr_warn", "res_due", "res_warn")}
    today = timezone.localdate()
    for calendar, chosen in ((world["office"], ~on_call), (world["on_call"], on_call)):
        engine = engine_for(calendar, today)
        starts = created[chosen]
        for column, (field, share) in enumerate(
            (("fr_due", 1.0), ("fr_warn", AT_RISK_SHARE), ("res_due", 1.0), ("res_warn", AT_RISK_SHARE))
        ):
            minutes = np.array([TARGETS[int(p)][0 if column < 2 else 1] for p in range(1, 5)])
            deltas = (minutes[priority[chosen] - 1] * 60 * US * share).astype(np.int64)
            deadlines[field][chosen] = engine.add_business_time_array(starts, deltas)
    # A deadline that would fall inside a still open pause (waiting, or resolved) is not known: none.
    pause_start = np.where(state == WAITING, times[:, -1], np.where(state == RESOLVED, resolved_at, -1))
    for field in deadlines:
        deadlines[field] = np.where((pause_start >= 0) & (deadlines[field] > pause_start), -1, deadlines[field])
    stop = np.where(closed_at >= 0, closed_at, now_us)
    flags = {
        f"{field}_flag": (deadlines[field] >= 0) & (deadlines[field] <= stop)
        for field in ("fr_due", "fr_warn", "res_due", "res_warn")
    }
    return {
        "count": count,
        "created": created,
        "updated": times[:, -1],
        "times": times,
        "organisation": organisation,
        "contact": contact,
        "priority": priority,
        "kind": kind,
        "channel": channel,
        "state": state,
        "resolved_at": resolved_at,
        "closed_at": closed_at,
        "first_responded": first_responded,
        "assignee": assignee,
        "environment": environment,
        "subject": rng.integers(0, len(SUBJECTS), count),
        "bodies": rng.integers(0, len(BODIES), (count, EVENTS_PER_REQUEST)),
        "event_agent": agents[rng.integers(0, len(agents), count)],
        "attached": rng.random(count) < 0.02,
        **deadlines,
        **flags,
    }


def instants(values: np.ndarray, vendor: str) -> list[str | None]:
    """Epoch microseconds as the text each database stores (UTC); -1 becomes NULL."""
    text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
    text = np.char.replace(text, "T", " ")
    if vendor == "postgresql":
        text = np.char.add(text, "+00")
    result: list[str | None] = text.tolist()
    if (values < 0).any():
        for index in np.flatnonzero(values < 0).tolist():
            result[index] = None
    return result


def ids(values: np.ndarray) -> list[int | None]:
    result: list[int | None] = values.tolist()
    if (values < 0).any():
        for index in np.flatnonzero(values < 0).tolist():
            result[index] = None
    return result


TICKET_COLUMNS = [
    "id",
    "organisation_id",
    "requester_id",
    "agreement_id",
    "environment_id",
    "business_unit_id",
    "kind",
    "channel",
    "priority",
    "state",
    "subject",
    "description",
    "assignee_id",
    "created_at",
    "updated_at",
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "first_response_due",
    "first_response_warn_at",
    "resolution_due",
    "resolution_warn_at",
    "first_response_warned",
    "first_response_breached",
    "resolution_warned",
    "resolution_breached",
]
EVENT_COLUMNS = ["id", "ticket_id", "kind", "actor_id", "public", "body", "data", "created_at"]
PAUSE_COLUMNS = ["id", "ticket_id", "started_at", "ended_at", "reason"]
ATTACHMENT_COLUMNS = [
    "id",
    "ticket_id",
    "event_id",
    "file",
    "name",
    "content_type",
    "size",
    "uploaded_by_id",
    "created_at",
]


def ticket_rows(data: dict[str, Any], world: dict[str, Any], lo: int, hi: int, vendor: str) -> Iterator[tuple]:
    part = slice(lo, hi)
    organisation = data["organisation"][part]
    contact = data["contact"][part]
    subjects = [
        f"{SUBJECTS[s]} ({n})" for s, n in zip(data["subject"][part].tolist(), range(lo + 1, hi + 1), strict=True)
    ]
    descriptions = [BODIES[b] for b in data["bodies"][part, 0].tolist()]
    columns: list[Sequence[Any]] = [
        range(lo + 1, hi + 1),
        world["organisation_ids"][organisation].tolist(),
        world["contact_ids"][contact].tolist(),
        world["agreement_ids"][organisation].tolist(),
        ids(data["environment"][part]),
        world["contact_unit_ids"][contact].tolist(),
        [KINDS[k] for k in data["kind"][part].tolist()],
        [CHANNELS[c] for c in data["channel"][part].tolist()],
        data["priority"][part].tolist(),
        [STATES[s] for s in data["state"][part].tolist()],
        subjects,
        descriptions,
        ids(data["assignee"][part]),
        instants(data["created"][part], vendor),
        instants(data["updated"][part], vendor),
        instants(data["first_responded"][part], vendor),
        instants(data["resolved_at"][part], vendor),
        instants(data["closed_at"][part], vendor),
        instants(data["fr_due"][part], vendor),
        instants(data["fr_warn"][part], vendor),
        instants(data["res_due"][part], vendor),
        instants(data["res_warn"][part], vendor),
        data["fr_warn_flag"][part].tolist(),
        data["fr_due_flag"][part].tolist(),
        data["res_warn_flag"][part].tolist(),
        data["res_due_flag"][part].tolist(),
    ]
    return zip(*columns, strict=True)


def event_rows(data: dict[str, Any], world: dict[str, Any], lo: int, hi: int, vendor: str) -> Iterator[tuple]:
    part = slice(lo, hi)
    states = data["state"][part].tolist()
    requesters = world["contact_user_ids"][data["contact"][part]].tolist()
    agents = data["event_agent"][part].tolist()
    channels = data["channel"][part].tolist()
    priorities = data["priority"][part].tolist()
    bodies = data["bodies"][part].tolist()
    times = instants(data["times"][part].ravel(), vendor)
    rows = []
    event_id = lo * EVENTS_PER_REQUEST
    for offset in range(hi - lo):
        ticket_id = lo + offset + 1
        agent = agents[offset]
        for step, (kind, who, public, has_body, what) in enumerate(EVENT_PLANS[states[offset]]):
            event_id += 1
            actor = requesters[offset] if who == "requester" else agent if who == "agent" else None
            if what == "channel":
                payload = f'{{"channel": "{CHANNELS[channels[offset]]}"}}'
            elif what == "priority":
                payload = f'{{"field": "priority", "from": 3, "to": {priorities[offset]}}}'
            elif what == "assign":
                payload = f'{{"from": null, "to": {agent}}}'
            elif what:
                before, after = what.split(">")
                payload = f'{{"from": "{before}", "to": "{after}"}}'
            else:
                payload = "{}"
            body = BODIES[bodies[offset][step]] if has_body else ""
            rows.append(
                (event_id, ticket_id, kind, actor, public, body, payload, times[offset * EVENTS_PER_REQUEST + step])
            )
    return iter(rows)


def pause_rows(data: dict[str, Any], vendor: str) -> Iterator[tuple]:
    state = data["state"]
    waiting = state == WAITING
    resolved = np.isin(state, [RESOLVED, CLOSED, REOPENED])
    ticket = np.concatenate([np.flatnonzero(waiting), np.flatnonzero(resolved)])
    started = np.concatenate([data["times"][waiting, -1], data["resolved_at"][resolved]])
    ended = np.concatenate(
        [
            np.full(int(waiting.sum()), -1),
            np.where(state[resolved] == CLOSED, data["closed_at"][resolved], -1),
        ]
    )
    ended = np.where(state[ticket] == REOPENED, data["times"][ticket, -1], ended)
    reasons = ["waiting"] * int(waiting.sum()) + ["resolved"] * int(resolved.sum())
    order = np.argsort(ticket, kind="stable")
    columns = [
        range(1, len(ticket) + 1),
        (ticket[order] + 1).tolist(),
        instants(started[order], vendor),
        instants(ended[order], vendor),
        [reasons[i] for i in order.tolist()],
    ]
    return zip(*columns, strict=True)


def attachment_rows(data: dict[str, Any], vendor: str) -> Iterator[tuple]:
    """One file on the agent's reply (the fourth event) of about 2 % of the requests."""
    tickets = np.flatnonzero(data["attached"])
    event_ids = tickets * EVENTS_PER_REQUEST + 4
    moments = instants(data["times"][tickets, 3], vendor)
    agents = data["event_agent"][tickets].tolist()
    return (
        (n + 1, int(t) + 1, int(e), f"attachments/bench/log-{t + 1}.txt", f"log-{t + 1}.txt", "text/plain", 2048, a, m)
        for n, (t, e, a, m) in enumerate(zip(tickets.tolist(), event_ids.tolist(), agents, moments, strict=True))
    )


# ----- bulk loading --------------------------------------------------------------------------------------

TABLES = ["tickets_ticket", "tickets_ticketevent", "tickets_slapause", "tickets_attachment"]


class SqliteLoader:
    vendor = "sqlite"

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
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


class PostgresLoader:
    vendor = "postgresql"

    def __init__(self, dsn: str) -> None:
        import psycopg

        self.db = psycopg.connect(dsn)
        self.db.execute("SET session_replication_role = replica")  # no per-row foreign key triggers in the load
        self.db.execute("SET maintenance_work_mem = '1GB'")
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
        with self.db.cursor().copy(f"COPY {table} ({','.join(columns)}) FROM STDIN") as copy:
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
        # Write the load's gigabytes out now: a checkpoint flushing them later would make every commit timed
        # afterwards wait behind it, which measures the load, not Tuki.
        log("  checkpoint")
        self.db.execute("CHECKPOINT")
        self.db.close()


def load(count: int, world: dict[str, Any], vendor: str) -> tuple[dict[str, Any], float]:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    now_us = int(timezone.now().timestamp() * US)
    data = generate(count, world, now_us, np.random.default_rng(20260101))
    log(f"generated {count} requests in {time.perf_counter() - started:.1f}s")
    connection.close()
    if vendor == "sqlite":
        loader: SqliteLoader | PostgresLoader = SqliteLoader(str(settings.DATABASES["default"]["NAME"]))
    else:
        loader = PostgresLoader(f"{PG_SERVER}/{PG_NAME}")
    for lo in range(0, count, CHUNK):
        hi = min(count, lo + CHUNK)
        loader.insert("tickets_ticket", TICKET_COLUMNS, ticket_rows(data, world, lo, hi, vendor))
        loader.insert("tickets_ticketevent", EVENT_COLUMNS, event_rows(data, world, lo, hi, vendor))
        log(f"  loaded requests {hi}/{count} with their events")
    loader.insert("tickets_slapause", PAUSE_COLUMNS, pause_rows(data, vendor))
    loader.insert("tickets_attachment", ATTACHMENT_COLUMNS, attachment_rows(data, vendor))
    log("  loaded pauses and attachments; rebuilding indexes")
    loader.finish()
    return data, time.perf_counter() - started


# ----- measuring -----------------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    values = np.array(samples) * 1000
    return {"p50": round(float(np.percentile(values, 50)), 2), "p95": round(float(np.percentile(values, 95)), 2)}


def count_queries(agent: Any, paths: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(agent)
    counts = {}
    for name, path in paths.items():
        client.get(path)  # warm the caches a worker keeps (SLA engine, templates)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        counts[name] = len(queries.captured_queries)
    return counts


def cpu_busy(seconds: float = 2.0) -> float:
    """The share of all CPUs that was busy (any process) over ``seconds``, from /proc/stat."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            values = [int(value) for value in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total, idle = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    return 1 - (idle_after - idle) / max(1, total_after - total)


def wait_for_quiet(limit: float) -> float:
    """Timings on a shared 2-core machine mean little while other work runs: wait (up to ``limit`` s) for a lull."""
    began = time.perf_counter()
    while True:
        busy = cpu_busy()
        if busy < QUIET or time.perf_counter() - began > limit:
            return round(busy, 2)
        log(f"  the machine is {busy:.0%} busy with other work; waiting for a quieter moment")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], var_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log_file = (var_dir / "gunicorn.log").open("wb")
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "tuki.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "1",
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log_file, stderr=log_file)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.1)
        if server.poll() is not None:
            break
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {var_dir / 'gunicorn.log'}")


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A write answers with a redirect; the bench times the write, not the page after it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def login(base: str, email: str, password: str = PASSWORD, home: str = "/desk/") -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), KeepRedirects())
    with opener.open(f"{base}/accounts/login/") as response:
        page = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no CSRF token on the login page")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": match[1], "username": email, "password": password})
    try:
        opener.open(f"{base}/accounts/login/", data=form.encode()).read()
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    if not any(cookie.name == "sessionid" for cookie in jar):
        raise RuntimeError("logging in failed")
    with opener.open(f"{base}{home}") as response:
        if response.status != 200 or "/accounts/login/" in response.url:
            raise RuntimeError(f"{home} did not open after logging in")
    return opener


def form_token(opener: urllib.request.OpenerDirector, url: str) -> str:
    """The CSRF token of the form on ``url``: fetched once, as a browser keeps it for the session."""
    with opener.open(url) as response:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    if match is None:
        raise RuntimeError(f"no CSRF token on {url}")
    return match[1]


def time_posts(
    opener: urllib.request.OpenerDirector, posts: list[tuple[str, dict[str, str]]], goes_to: str
) -> list[float]:
    """POST each form and time it until the redirect arrives; a write that does not redirect to ``goes_to``
    (a form error, a refusal) stops the run."""
    samples = []
    for url, fields in posts:
        data = urllib.parse.urlencode(fields).encode()
        began = time.perf_counter()
        try:
            opener.open(url, data=data).read()
        except urllib.error.HTTPError as answer:
            samples.append(time.perf_counter() - began)
            location = answer.headers.get("Location", "")
            if answer.code != 302 or goes_to not in location:
                raise RuntimeError(f"{url} answered {answer.code} {location}") from None
        else:
            raise RuntimeError(f"{url} answered 200: the form was not accepted")
    return samples


def measure_filings(base: str, email: str, count: int) -> tuple[list[float], float]:
    """A contact files ``count`` requests through the portal form, one after another."""
    opener = login(base, email, CONTACT_PASSWORD, home="/portal/")
    token = form_token(opener, f"{base}/portal/requests/new/")
    posts = [
        (
            f"{base}/portal/requests/new/",
            {
                "csrfmiddlewaretoken": token,
                "subject": f"{SUBJECTS[n % len(SUBJECTS)]} (over HTTP {n})",
                "description": BODIES[n % len(BODIES)],
                "kind": KINDS[n % len(KINDS)],
                "priority": str(1 + n % 4),
                "environment": "",
                "business_unit": "",
                "submission_key": f"bench-{n}-{time.time_ns()}",  # a fresh form's key each time
            },
        )
        for n in range(count)
    ]
    began = time.perf_counter()
    samples = time_posts(opener, posts, "/portal/requests/")
    return samples, count / (time.perf_counter() - began)


def measure_replies(
    base: str, opener: urllib.request.OpenerDirector, identifiers: list[int], count: int
) -> tuple[list[float], float]:
    """An agent answers open requests through the desk's reply form, one after another."""
    token = form_token(opener, f"{base}/desk/requests/SR-{identifiers[0]}/")
    posts = [
        (
            f"{base}/desk/requests/SR-{identifiers[n % len(identifiers)]}/reply/",
            {"csrfmiddlewaretoken": token, "body": f"{BODIES[n % len(BODIES)]}\n\n(answer {n})"},
        )
        for n in range(count)
    ]
    began = time.perf_counter()
    samples = time_posts(opener, posts, "/desk/requests/SR-")
    return samples, count / (time.perf_counter() - began)


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def peak_mb(pid: int) -> float:
    """The most resident memory the process ever held (VmHWM), as the kernel counted it."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmHWM for process {pid}")


def run_job_worker(env: dict[str, str], var_dir: Path, settle: float) -> float:
    """Start the background worker, let it work off what the HTTP run queued (notification mail) and at least one
    tick of the periodic jobs (the SLA sweep over every open request), and return its peak memory."""
    from huey.contrib.djhuey import HUEY

    log_file = (var_dir / "worker.log").open("wb")
    command = [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "run_huey"]
    worker = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log_file, stderr=log_file)  # noqa: S603
    try:
        began = time.perf_counter()
        while HUEY.pending_count() or time.perf_counter() - began < settle:
            if worker.poll() is not None:
                raise RuntimeError(f"the worker stopped; see {var_dir / 'worker.log'}")
            time.sleep(1)
        log(f"  the worker emptied its queue in {time.perf_counter() - began:.0f}s")
        return peak_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def time_gets(opener: urllib.request.OpenerDirector, urls: list[str]) -> list[float]:
    samples = []
    for url in urls:
        began = time.perf_counter()
        with opener.open(url) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
        samples.append(time.perf_counter() - began)
    return samples


def measure_creation(world: dict[str, Any], count: int) -> float:
    from django.db import connection

    from tuki.accounts.models import Contact
    from tuki.tickets.services import ticket_create

    agent = world["agents"][0]
    contacts = list(Contact.objects.select_related("user", "business_unit").order_by("pk"))
    connection.close()  # start timing on a fresh connection, as a new worker would
    began = time.perf_counter()
    for n in range(count):
        contact = contacts[(n * 7) % len(contacts)]
        ticket_create(
            actor=agent,
            requester=contact,
            subject=f"{SUBJECTS[n % len(SUBJECTS)]} (bench {n})",
            description=BODIES[n % len(BODIES)],
            priority=1 + n % 4,
            kind=KINDS[n % len(KINDS)],
            channel="phone",
        )
    return count / (time.perf_counter() - began)


def run(args: argparse.Namespace, var_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    vendor = connection.vendor
    log(f"migrating a fresh {vendor} database")
    call_command("migrate", verbosity=0)
    world = make_world()
    setup_seconds = time.perf_counter() - _started
    log("made staff, calendars, 200 customers, contacts and agreements")
    data, load_seconds = load(args.requests, world, vendor)
    log(f"loaded in {load_seconds:.1f}s")
    if args.load_only:
        connection.close()
        return {"database": vendor, "requests": args.requests, "load_seconds": round(load_seconds, 1)}

    state = data["state"]
    rng = np.random.default_rng(7)
    open_ids = (np.flatnonzero(state <= REOPENED) + 1).tolist()
    closed_ids = (np.flatnonzero(state >= RESOLVED) + 1).tolist()
    picks = [int(x) for x in rng.choice(open_ids, SAMPLES // 2)] + [
        int(x) for x in rng.choice(closed_ids, SAMPLES // 2)
    ]
    rng.shuffle(picks)
    warm = [int(x) for x in rng.choice(open_ids + closed_ids, WARMUP)]
    # The filter: one of the bigger customers (the 10th largest), high priority, newest first, all states.
    organisation = int(world["organisation_ids"][9])
    filtered = f"/desk/?queue=all&organisation={organisation}&priority=2&sort=newest"
    agent = world["agents"][0]
    queries = count_queries(
        agent,
        {
            "queue_page": "/desk/",
            "filtered_page": filtered,
            "request_page": f"/desk/requests/SR-{open_ids[0]}/",
            "request_page_closed": f"/desk/requests/SR-{closed_ids[0]}/",
        },
    )
    log(f"queries per page: {queries}")
    connection.close()

    server, base = start_server(env, var_dir)
    try:
        opener = login(base, agent.email)
        log(f"gunicorn on {base}; logged in as {agent.email}; warming up")
        time_gets(opener, [f"{base}/desk/"] * WARMUP + [f"{base}{filtered}"] * WARMUP)
        time_gets(opener, [f"{base}/desk/requests/SR-{n}/" for n in warm])
        busy_before_http = wait_for_quiet(args.wait)
        load_average = [round(x, 2) for x in os.getloadavg()]
        healthz = percentiles(time_gets(opener, [f"{base}/healthz"] * (SAMPLES // 4)))
        queue = percentiles(time_gets(opener, [f"{base}/desk/"] * SAMPLES))
        log(f"queue page: {queue}")
        filtered_page = percentiles(time_gets(opener, [f"{base}{filtered}"] * SAMPLES))
        log(f"filtered page: {filtered_page}")
        request_page = percentiles(time_gets(opener, [f"{base}/desk/requests/SR-{n}/" for n in picks]))
        log(f"request page: {request_page}")
        # For information (no target): the "All" tab, every request by the nearest deadline.
        all_queue = percentiles(time_gets(opener, [f"{base}/desk/?queue=all"] * (SAMPLES // 4)))
        log(f"all requests tab (information): {all_queue}")
        filing_samples, filings = measure_filings(base, "contact1@customer001.example", WRITES)
        filing = percentiles(filing_samples)
        log(f"filing over HTTP: {filing}, {filings:.0f}/s")
        reply_samples, replies = measure_replies(base, opener, open_ids[:SAMPLES], WRITES)
        reply = percentiles(reply_samples)
        log(f"agent's reply over HTTP: {reply}, {replies:.0f}/s")
        load_average.append(round(os.getloadavg()[0], 2))
        web_peaks = [peak_mb(pid) for pid in children(server.pid)]
        log(f"web workers' peak memory: {web_peaks} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)
    job_worker_peak = run_job_worker(env, var_dir, settle=args.settle)
    log(f"job worker's peak memory: {job_worker_peak} MB")

    busy_before_creation = wait_for_quiet(args.wait)
    creations = measure_creation(world, CREATIONS)
    log(f"creations: {creations:.0f}/s")
    connection.close()
    return {
        "database": "sqlite" if vendor == "sqlite" else "postgres",
        "requests": args.requests,
        "events": args.requests * EVENTS_PER_REQUEST,
        "open_requests": len(open_ids),
        "load_seconds": round(load_seconds, 1),
        "setup_seconds": round(setup_seconds, 1),
        "queue_page_ms": queue,
        "filtered_page_ms": filtered_page,
        "filtered_page_path": filtered,
        "request_page_ms": request_page,
        "creations_per_second": round(creations, 1),
        "filing_over_http_ms": filing,
        "filings_per_second": round(filings, 1),
        "reply_over_http_ms": reply,
        "replies_per_second": round(replies, 1),
        "web_worker_peak_mb": max(web_peaks),
        "job_worker_peak_mb": job_worker_peak,
        "queries": queries,
        "info": {
            "all_queue_page_ms": all_queue,
            "healthz_ms": healthz,
            "cpus": os.cpu_count(),
            "cpu_busy_before_http": busy_before_http,
            "cpu_busy_before_creation": busy_before_creation,
            "load_average_during_http": load_average,
        },
        "targets_met": {
            "queue_page_p95_lt_30ms": queue["p95"] < GOALS["queue_page_p95_ms"],
            "filtered_page_p95_lt_50ms": filtered_page["p95"] < GOALS["filtered_page_p95_ms"],
            "request_page_p95_lt_15ms": request_page["p95"] < GOALS["request_page_p95_ms"],
            "creations_ge_400_per_s": creations >= GOALS["creations_per_second"],
            "filings_ge_250_per_s": filings >= GOALS["filings_per_second"],
            "filing_p95_lt_6ms": filing["p95"] < GOALS["filing_p95_ms"],
            "replies_ge_250_per_s": replies >= GOALS["replies_per_second"],
            "reply_p95_lt_6ms": reply["p95"] < GOALS["reply_p95_ms"],
            "web_worker_peak_le_100mb": max(web_peaks) <= GOALS["web_worker_peak_mb"],
            "job_worker_peak_le_120mb": job_worker_peak <= GOALS["job_worker_peak_mb"],
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    global PG_NAME  # read by prepare_environment and the loader, as bench/search.py sets it for its own database
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    parser.add_argument(
        "--wait", type=float, default=180, help="seconds to wait at most for other work to calm down before timing"
    )
    parser.add_argument(
        "--settle", type=float, default=70, help="seconds the job worker runs at least (one periodic tick and more)"
    )
    parser.add_argument("--pg-name", default=PG_NAME, help="the PostgreSQL database to make and drop")
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="only load the data set into --pg-name and keep it (bench/faults.py runs its load test on it)",
    )
    args = parser.parse_args(argv)
    PG_NAME = args.pg_name
    if args.load_only and args.database != "postgres":
        parser.error("--load-only loads a PostgreSQL database (--database postgres)")
    var_dir = Path(tempfile.mkdtemp(prefix="tuki-bench-"))
    env = prepare_environment(args.database, var_dir)
    cleanup: list[Callable[[], None]] = []
    if args.database == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_NAME}")
        cleanup.append(lambda: pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)"))
    cleanup.append(lambda: shutil.rmtree(var_dir, ignore_errors=True))
    try:
        result = run(args, var_dir, env)
    finally:
        if args.load_only:
            shutil.rmtree(var_dir, ignore_errors=True)
            log(f"loaded the database {PG_NAME}")
        elif args.keep:
            log(f"kept {var_dir}" + (f" and database {PG_NAME}" if args.database == "postgres" else ""))
        else:
            from django.db import connections

            connections.close_all()
            for step in cleanup:
                step()
    result["total_seconds"] = round(time.perf_counter() - _started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
