"""Benchmark the monthly report: the figures and the HTML page of one big customer's month, and every customer's
report of a month.

Run from the repository root:

    .venv/bin/python bench/report.py [--history 1000000] [--requests 10000] [--database sqlite|postgres]

Prints one JSON object on stdout (progress goes to stderr). The run uses a database of its own, as bench/desk.py
does (a fresh SQLite file in a temporary directory, or PostgreSQL's ``tuki_bench`` database, dropped before and
after). It

1. migrates and makes bench/desk.py's world (staff, 200 customers with contacts, environments and agreements) and
   loads its history of ``--history`` requests over the last twelve months with their events and pauses;
2. adds ``--requests`` requests of the first customer in the last full month (deadlines from the SLA engine, one
   in twenty answered late, a fifth still open), with maintenance, help desk and additional time on a tenth;
3. times ``month_figures`` of that customer's month in-process, then makes its report;
4. starts gunicorn as bench/desk.py does, logs in as the customer's manager and times 20 GETs of the report page
   and 5 downloads of its PDF (made afresh by each download, as the portal does);
5. runs ``manage.py report_make --month ... --reason bench`` (a new version of all 200 customers' reports) as a
   process of its own, times it and reads its peak resident memory (VmHWM) from /proc while it runs.

Goals: the HTML page under 1 s, the PDF under 2 s, the 200 reports under 3 minutes, the process under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.desk import (  # noqa: E402 - the repository root goes on the path first
    CONTACT_PASSWORD,
    PG_NAME,
    load,
    log,
    login,
    make_world,
    percentiles,
    pg_admin,
    prepare_environment,
    start_server,
    time_gets,
    wait_for_quiet,
)

GOALS = {"html_p95_ms": 1000, "pdf_max_ms": 2000, "all_reports_seconds": 180, "all_reports_peak_mb": 300}
PAGE_SAMPLES = 20
PDF_SAMPLES = 5
_started = time.perf_counter()


def last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def add_big_month(world: dict[str, Any], count: int, month: date) -> int:
    """``count`` requests of the first customer in ``month``, with deadlines, answers, resolutions and time."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from tuki.accounts.models import Contact
    from tuki.agreements.calendars import engine_for
    from tuki.agreements.models import Agreement
    from tuki.tickets.models import Ticket
    from tuki.timesheets.models import TimeEntry

    rng = np.random.default_rng(16)
    organisation_id = int(world["organisation_ids"][0])
    agreement = Agreement.objects.select_related("service_calendar").get(pk=int(world["agreement_ids"][0]))
    contacts = list(Contact.objects.filter(organisation_id=organisation_id))
    environments = [int(e) for e in world["environment_ids"][0]]
    zone = ZoneInfo("Europe/Helsinki")
    start = datetime(month.year, month.month, 1, tzinfo=zone).timestamp()
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = datetime(following.year, following.month, 1, tzinfo=zone).timestamp()
    created = [datetime.fromtimestamp(float(x), UTC) for x in np.sort(rng.uniform(start, end - 7200, count))]
    engine = engine_for(agreement.service_calendar, month)
    priorities = rng.choice([1, 2, 3, 4], size=count, p=[0.05, 0.2, 0.55, 0.2])
    targets = {1: (30, 240), 2: (60, 480), 3: (240, 960), 4: (480, 2400)}
    items = [(c, timedelta(minutes=targets[int(p)][0])) for c, p in zip(created, priorities, strict=True)]
    items += [(c, timedelta(minutes=targets[int(p)][1])) for c, p in zip(created, priorities, strict=True)]
    deadlines = engine.add_business_time_many(items)
    rows = []
    for index, moment in enumerate(created):
        response_due, resolution_due = deadlines[index], deadlines[count + index]
        late = rng.random() < 0.05
        answered = response_due + timedelta(minutes=45) if late else moment + timedelta(minutes=10)
        still_open = rng.random() < 0.2
        resolved = None if still_open else (resolution_due + timedelta(hours=3) if late else answered)
        contact = contacts[index % len(contacts)]
        rows.append(
            Ticket(
                organisation_id=organisation_id,
                requester=contact,
                agreement=agreement,
                environment_id=environments[index % len(environments)],
                business_unit_id=contact.business_unit_id,
                priority=int(priorities[index]),
                state="in_progress" if still_open else "closed",
                subject=f"Report bench request {index}",
                created_at=moment,
                updated_at=moment,
                first_responded_at=answered,
                resolved_at=resolved,
                closed_at=resolved,
                first_response_due=response_due,
                resolution_due=resolution_due,
            )
        )
    made = Ticket.objects.bulk_create(rows, batch_size=500)
    entries = [
        TimeEntry(
            ticket=ticket,
            billed_request=ticket,
            organisation_id=organisation_id,
            agreement=agreement,
            author=world["agents"][0],
            day=ticket.created_at.astimezone(zone).date(),
            minutes=30,
            kind=["help_desk", "maintenance", "maintenance"][index % 3],
            period_start=month,
        )
        for index, ticket in enumerate(made[::10])
    ]
    TimeEntry.objects.bulk_create(entries, batch_size=500)
    return organisation_id


def peak_of(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run ``command``; its wall time, its peak resident memory (VmHWM, read until it ends) and its exit code."""
    began = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0.0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            break
        time.sleep(0.2)
    return time.perf_counter() - began, round(peak, 1), process.wait()


def run(args: argparse.Namespace, var_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tuki.accounts.models import Organisation
    from tuki.reports.figures import month_figures
    from tuki.reports.services import report_make

    vendor = connection.vendor
    log(f"migrating a fresh {vendor} database")
    call_command("migrate", verbosity=0)
    world = make_world()
    load(args.history, world, vendor)
    month = last_month(timezone.localdate())
    organisation_id = add_big_month(world, args.requests, month)
    log(f"added {args.requests} requests of one customer in {month:%Y-%m}")
    organisation = Organisation.objects.get(pk=organisation_id)
    busy = wait_for_quiet(args.wait)
    began = time.perf_counter()
    figures = month_figures(organisation=organisation, month=month, now=timezone.now())
    figures_seconds = time.perf_counter() - began
    report_make(organisation=organisation, month=month)
    log(f"figures in {figures_seconds:.2f}s: {figures['requests']['opened']} requests")
    connection.close()

    server, base = start_server(env, var_dir)
    try:
        manager_email = "contact1@customer001.example"
        opener = login(base, manager_email, CONTACT_PASSWORD, home="/portal/")
        url = f"{base}/portal/reports/{month:%Y-%m}/"
        time_gets(opener, [url] * 3)
        html = percentiles(time_gets(opener, [url] * PAGE_SAMPLES))
        log(f"report page: {html}")
        pdf_url = f"{url}report.pdf"
        time_gets(opener, [pdf_url] * 2)  # each worker imports WeasyPrint and loads the fonts once
        pdf_samples = time_gets(opener, [pdf_url] * PDF_SAMPLES)
        pdf = {"median": round(statistics.median(pdf_samples) * 1000, 1), "max": round(max(pdf_samples) * 1000, 1)}
        log(f"report PDF: {pdf}")
    finally:
        server.terminate()
        server.wait(timeout=60)

    command = [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "report_make", "--month", f"{month:%Y-%m}"]
    seconds, peak, code = peak_of([*command, "--reason", "bench"], env)
    log(f"all reports in {seconds:.1f}s, peak {peak} MB, exit {code}")
    return {
        "database": vendor,
        "history_requests": args.history,
        "month_requests": figures["requests"]["opened"],
        "month": f"{month:%Y-%m}",
        "figures_seconds": round(figures_seconds, 3),
        "html_ms": html,
        "pdf_ms": pdf,
        "all_reports_seconds": round(seconds, 1),
        "all_reports_peak_mb": peak,
        "all_reports_exit_code": code,
        "goals": GOALS,
        "targets_met": {
            "html_p95_lt_1s": html["p95"] < GOALS["html_p95_ms"],
            "pdf_lt_2s": pdf["max"] < GOALS["pdf_max_ms"],
            "all_reports_lt_3min": seconds < GOALS["all_reports_seconds"],
            "all_reports_lt_300mb": peak < GOALS["all_reports_peak_mb"],
        },
        "info": {"cpu_busy_before_timing": busy, "load_average": [round(x, 2) for x in os.getloadavg()]},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=int, default=1_000_000, help="bench/desk.py's requests behind the month")
    parser.add_argument("--requests", type=int, default=10_000, help="the big customer's requests in the month")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    parser.add_argument("--wait", type=float, default=180, help="seconds to wait at most for a quieter machine")
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="tuki-bench-report-"))
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
        if not args.keep:
            from django.db import connections

            connections.close_all()
            for step in cleanup:
                step()
    result["total_seconds"] = round(time.perf_counter() - _started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
