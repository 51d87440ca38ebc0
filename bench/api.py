"""Benchmark the REST API at full size: a page of the request list, a request with its events, and filing.

Run from the repository root:

    .venv/bin/python bench/api.py [--requests 1000000] [--database sqlite|postgres] [--pg-name tuki_bench_api]

Prints one JSON object on stdout (progress goes to stderr). It loads the same data as bench/desk.py (with its
functions: 200 customers, their contacts and agreements, the requests over twelve months with 5 events each), then

1. makes API tokens through the service (the agent's, and one for each of four customer managers);
2. counts the SQL queries of a list page and of reading a request in-process, with the token;
3. starts gunicorn (2 workers, as bench/desk.py does), warms up and times 200 sequential GETs of a page of 50
   (the first page, one customer's, and pages further on by cursor) and 200 reads of a request with its events;
4. files requests through ``POST /api/v1/requests`` from 4 concurrent clients (the four customer managers, each
   with their own token, a unique external reference per request) and reports the rate.

Targets: a page of 50 p95 < 40 ms, a request with its events p95 < 25 ms, at least 300 filings a second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.desk  # noqa: E402 - the path above first
from bench.desk import (  # noqa: E402
    load,
    log,
    make_world,
    percentiles,
    pg_admin,
    prepare_environment,
    start_server,
    wait_for_quiet,
)

SAMPLES = 200
WARMUP = 30
CLIENTS = 4
FILINGS = 1200  # over all clients
GOALS = {"list_page_p95_ms": 40, "request_read_p95_ms": 25, "filings_per_second": 300}


def get(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server on loopback
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return bytes(response.read())


def time_gets(urls: list[str], token: str) -> list[float]:
    samples = []
    for url in urls:
        began = time.perf_counter()
        get(url, token)
        samples.append(time.perf_counter() - began)
    return samples


def file_requests(base: str, tokens: list[str], total: int) -> tuple[float, list[float]]:
    """``total`` requests filed by len(tokens) concurrent clients; the rate and each call's time."""
    samples: list[float] = []
    lock = threading.Lock()

    def client(index: int, token: str) -> None:
        mine = []
        for n in range(total // len(tokens)):
            body = json.dumps(
                {
                    "subject": f"Escalated {index}-{n}",
                    "description": "From the first line.",
                    "external_reference": f"B{index}-{n}",
                }
            ).encode()
            request = urllib.request.Request(  # noqa: S310
                f"{base}/api/v1/requests",
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            began = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
                if response.status != 201:
                    raise RuntimeError(f"filing answered {response.status}")
            mine.append(time.perf_counter() - began)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(i, token)) for i, token in enumerate(tokens)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if len(samples) != total // len(tokens) * len(tokens):
        raise RuntimeError("a client failed; see above")
    return len(samples) / elapsed, samples


def count_queries(token: str, paths: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", headers={"Authorization": f"Bearer {token}"})
    counts = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        counts[name] = len(queries.captured_queries)
    return counts


def run(args: argparse.Namespace, var_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tuki.accounts.models import Contact
    from tuki.apitokens.services import api_token_create

    vendor = connection.vendor
    log(f"migrating a fresh {vendor} database")
    call_command("migrate", verbosity=0)
    world = make_world()
    data, load_seconds = load(args.requests, world, vendor)
    log(f"loaded {args.requests} requests in {load_seconds:.1f}s")
    agent = world["agents"][0]
    agent_token = api_token_create(actor=agent, name="bench", scope="write")[1]
    managers = Contact.objects.filter(is_customer_manager=True).select_related("user").order_by("pk")[:CLIENTS]
    manager_tokens = [api_token_create(actor=m.user, name="bench", scope="write")[1] for m in managers]
    rng = np.random.default_rng(11)
    picks = [int(x) for x in rng.integers(1, args.requests + 1, SAMPLES)]
    organisation = int(world["organisation_ids"][9])
    queries = count_queries(
        agent_token,
        {
            "list_page": "/api/v1/requests?limit=50",
            "list_page_customer": f"/api/v1/requests?limit=50&organisation={organisation}",
            "request_read": f"/api/v1/requests/SR-{picks[0]}",
        },
    )
    log(f"queries: {queries}")
    connection.close()

    server, base = start_server(env, var_dir)
    try:
        first = json.loads(get(f"{base}/api/v1/requests?limit=50", agent_token))
        cursors = [first["next_cursor"]]
        for _ in range(9):  # pages further on, by following the cursors
            page = json.loads(get(f"{base}/api/v1/requests?limit=50&cursor={cursors[-1]}", agent_token))
            cursors.append(page["next_cursor"])
        lists = [
            f"{base}/api/v1/requests?limit=50",
            f"{base}/api/v1/requests?limit=50&organisation={organisation}",
            *[f"{base}/api/v1/requests?limit=50&cursor={cursor}" for cursor in cursors if cursor],
        ]
        list_urls = [lists[n % len(lists)] for n in range(SAMPLES)]
        read_urls = [f"{base}/api/v1/requests/SR-{n}" for n in picks]
        time_gets(list_urls[:WARMUP] + read_urls[:WARMUP], agent_token)
        busy = wait_for_quiet(args.wait)
        list_page = percentiles(time_gets(list_urls, agent_token))
        log(f"list page of 50: {list_page}")
        read = percentiles(time_gets(read_urls, agent_token))
        log(f"request with its events: {read}")
        rate, filing_samples = file_requests(base, manager_tokens, FILINGS)
        filing = percentiles(filing_samples)
        log(f"filing through the API, {CLIENTS} clients: {rate:.0f}/s, {filing}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "database": vendor,
        "requests": args.requests,
        "events": int(len(data["state"]) * 5),
        "load_seconds": round(load_seconds, 1),
        "list_page_ms": list_page,
        "request_read_ms": read,
        "filings_per_second": round(rate, 1),
        "filing_ms": filing,
        "clients": CLIENTS,
        "queries": queries,
        "info": {"cpu_busy_before_timing": busy},
        "targets_met": {
            "list_page_p95_lt_40ms": list_page["p95"] < GOALS["list_page_p95_ms"],
            "request_read_p95_lt_25ms": read["p95"] < GOALS["request_read_p95_ms"],
            "filings_ge_300_per_s": rate >= GOALS["filings_per_second"],
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait at most for other work to calm down")
    parser.add_argument("--pg-name", default="tuki_bench_api", help="the PostgreSQL database made and dropped")
    args = parser.parse_args(argv)
    # bench/desk.py's loader and environment read its database name: this run's own, not bench/desk.py's.
    bench.desk.PG_NAME = args.pg_name
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="tuki-bench-api-"))
    env = prepare_environment(args.database, var_dir)
    env["TUKI_API_CALLS_PER_MINUTE"] = os.environ["TUKI_API_CALLS_PER_MINUTE"] = "100000000"  # not its rate limit
    cleanup: list[Callable[[], None]] = []
    if args.database == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {args.pg_name}")
        cleanup.append(lambda: pg_admin(f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)"))
    cleanup.append(lambda: shutil.rmtree(var_dir, ignore_errors=True))
    try:
        result = run(args, var_dir, env)
    finally:
        from django.db import connections

        connections.close_all()
        for step in cleanup:
            step()
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
