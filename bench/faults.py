"""The production layout under load and faults, and a count afterwards that nothing was lost or doubled.

    bench/faults.py                      50 users for 5 minutes on 1,000,000 requests, every fault (docs/deploy.md)
    bench/faults.py --quick              10 users for 45 seconds on the demo's data, one consumer killed (the suite)

Loads bench/desk.py's data set (``--requests``; its staff and contacts are the load test's users), starts
scripts/production_demo.sh (its own run directory, database ``tuki_faults`` and a Redis of its own that keeps
its data on disk, as docs/deploy.md asks of production), lets it make last month's reports, runs bench/load.py
with Locust, delivers mail through scripts/mailgate.py as an MTA would (five messages a second: new requests,
answers to open ones, strangers'), and meanwhile: kills a consumer with SIGKILL and starts it again as systemd
would; restarts Redis; restarts PostgreSQL (not with ``--quick``: the machine's server, so never in the suite).
Then it waits for the consumers to finish and counts in the database: every filing and reply Locust saw saved is
there, every piped message was taken once, every notification was sent and none twice (each Message-ID once in
the outbox). Prints JSON; exit status 1 when something was lost, doubled or failed outside a fault's window.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "production_demo.sh"
sys.path.insert(0, str(ROOT / "bench"))
from desk import (  # noqa: E402 - the desk benchmark's people, its reading of /proc and its log
    CONTACT_PASSWORD,
    CONTACTS_PER_ORGANISATION,
    PASSWORD,
    children,
    log,
    peak_mb,
)
from load import REPLY, SUBJECT  # noqa: E402 - the load test's own markers

DATABASE = "postgres://postgres@127.0.0.1:5432/tuki_faults"
BASH, REDIS_SERVER, REDIS_CLI, PG_CTLCLUSTER = (
    shutil.which(name) or name for name in ("bash", "redis-server", "redis-cli", "pg_ctlcluster")
)
REDIS_PORT = 6391
DEMO_SENDER = "anna@asiakas-a.example"  # a demo contact: the piped mail files requests of her customer
BENCH_SENDER = "contact2@customer001.example"  # one of bench/desk.py's contacts, on its data set
RECEIVER = "mx.tuki.example"


class Layout:
    def __init__(self, run: Path) -> None:
        self.run = run
        self.environ = {k: v for k, v in os.environ.items() if not k.startswith(("TUKI_", "DJANGO_", "PROMETHEUS_"))}
        self.environ |= {"TUKI_RUN_DIR": str(run), "DATABASE_URL": DATABASE, "REDIS_URL": self.redis_url}
        # Ports of its own, beside a demo or the suite's smoke test.
        self.environ |= {"TUKI_HTTPS_PORT": "8543", "TUKI_HTTP_PORT": "8180", "TUKI_WEB_PORTS": "8210 8211"}
        # As behind a receiving server that checks DKIM and DMARC and says so on top of each message.
        self.environ |= {"TUKI_S3_PORT": "8212", "TUKI_MAIL_AUTHSERV_ID": RECEIVER}
        self.url = ""

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{REDIS_PORT}/0"

    def script(self, *arguments: str, **options: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own script
            [BASH, str(SCRIPT), *arguments], cwd=ROOT, env=self.environ, text=True, capture_output=True, **options
        )

    def start_redis(self) -> None:
        folder = self.run / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - Debian's redis-server, loopback only
            [REDIS_SERVER, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--dir", str(folder),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "yes",
             "--pidfile", str(folder / "redis.pid"), "--logfile", str(folder / "redis.log")],
            check=True,
        )  # fmt: skip
        for _ in range(100):
            if self.redis("ping").stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("the layout's Redis did not start")

    def stop_redis(self) -> None:
        self.redis("shutdown")  # writes what it has to its append-only file first

    def redis(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [REDIS_CLI, "-p", str(REDIS_PORT), *command], text=True, capture_output=True, check=False
        )

    def start(self) -> None:
        self.start_redis()
        started = self.script("start", timeout=300)
        if started.returncode != 0:
            raise RuntimeError(started.stdout + started.stderr)
        found = re.search(r"Tuki is running at (\S+)/ ", started.stdout)
        assert found, started.stdout
        self.url = found[1]

    def stop(self) -> None:
        self.script("stop", timeout=180)
        self.stop_redis()

    def rows(self, query: str, *parameters: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(DATABASE, autocommit=True) as connection:
            return connection.execute(query, parameters).fetchall()

    def sql(self, query: str, *parameters: Any) -> Any:
        """The first column of the first row of ``query``."""
        found = self.rows(query, *parameters)
        return found[0][0] if found else None

    def pids(self) -> dict[str, int]:
        """The layout's processes by name (web-PORT, worker-N, nginx, s3) as its script wrote them down."""
        return {pidfile.stem: int(pidfile.read_text()) for pidfile in (self.run / "pids").glob("*.pid")}

    def worker_pid(self, number: int) -> int:
        return int((self.run / "pids" / f"worker-{number}.pid").read_text())

    def restart_worker(self, number: int) -> None:
        log_file = (self.run / "logs" / f"worker-{number}.log").open("ab")
        worker = subprocess.Popen(  # noqa: S603 - our own script, as systemd's Restart= would start it
            [BASH, str(SCRIPT), "manage", "run_huey"], cwd=ROOT, env=self.environ, stdout=log_file, stderr=log_file
        )
        (self.run / "pids" / f"worker-{number}.pid").write_text(str(worker.pid))


def kill_a_consumer(layout: Layout) -> dict[str, Any]:
    pid = layout.worker_pid(1)
    os.kill(pid, signal.SIGKILL)
    log(f"killed consumer 1 (pid {pid}) with SIGKILL; starting it again in 5 s")
    time.sleep(5)
    layout.restart_worker(1)
    return {"fault": "consumer killed (SIGKILL) and started again", "seconds_down": 5}


def restart_redis(layout: Layout) -> dict[str, Any]:
    began = time.monotonic()
    layout.stop_redis()
    time.sleep(3)
    layout.start_redis()
    log("restarted Redis")
    return {"fault": "Redis restarted", "seconds_down": round(time.monotonic() - began, 1)}


def restart_postgres(layout: Layout) -> dict[str, Any]:
    began = time.monotonic()
    subprocess.run([PG_CTLCLUSTER, "15", "main", "restart"], check=True)  # noqa: S603
    log("restarted PostgreSQL")
    return {"fault": "PostgreSQL restarted", "seconds_down": round(time.monotonic() - began, 1)}


FAULTS = {"kill-consumer": kill_a_consumer, "redis": restart_redis, "postgres": restart_postgres}


STRANGER = "someone@elsewhere.example"  # not a contact of any customer: refused, and answered once


def load_test_mail(sender: str, number: int, message_id: str, answers: int | None = None) -> bytes:
    """A message as the receiving server passes it on; ``answers`` a request's number: a reply to it."""
    domain = sender.rpartition("@")[2]
    subject = f"Re: [SR-{answers}] Load test mail {number}" if answers else f"Load test mail {number}"
    return (
        f"Authentication-Results: {RECEIVER}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}\r\n"
        f"From: <{sender}>\r\nTo: tuki@example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nDate: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThe report does not open.\r\n"
    ).encode()


class MailServer:
    """Delivers a message every ``every`` seconds through the pipe into scripts/mailgate.py, as an MTA would: each
    delivery in its own process, several at once when Tuki is slow to answer, and a temporary failure (75)
    delivered again a second later, as many times as it takes (an MTA waits minutes; the count is the same).

    What a support address receives: of every five messages, one a new request from a contact, three the contact's
    answers to their open requests, one from a stranger (refused, and answered once)."""

    def __init__(self, layout: Layout, every: float, sender: str) -> None:
        self.layout, self.every, self.sender = layout, every, sender
        self.open_requests = [
            row[0]
            for row in layout.rows(
                "select t.id from tickets_ticket t join accounts_contact c on c.id = t.requester_id "
                "join accounts_user u on u.id = c.user_id where u.email = %s and t.state = any(%s) order by t.id",
                sender,
                ["new", "in_progress", "waiting_for_customer", "reopened"],
            )
        ]
        self.sent: list[str] = []
        self.failed: list[str] = []
        self.seconds: list[float] = []  # from the first attempt to the message taken
        self.retried = 0
        self._lock = threading.Lock()

    def deliver(self, number: int) -> None:
        kind = number % 5
        sender = STRANGER if kind == 4 else self.sender
        answers = (
            self.open_requests[number % len(self.open_requests)] if kind in (1, 2, 3) and self.open_requests else None
        )
        message_id = make_msgid(domain=sender.rpartition("@")[2])
        raw = load_test_mail(sender, number, message_id, answers)
        began = time.monotonic()
        for attempt in range(120):
            piped = subprocess.run(  # noqa: S603 - our own script
                [BASH, str(SCRIPT), "mailgate"], input=raw, cwd=ROOT, env=self.layout.environ,
                capture_output=True, check=False,
            )  # fmt: skip
            if piped.returncode != 75:
                break
            with self._lock:
                self.retried += attempt == 0
            time.sleep(1)
        with self._lock:
            (self.sent if piped.returncode == 0 else self.failed).append(message_id)
            if piped.returncode == 0:
                self.seconds.append(time.monotonic() - began)

    def run(self, until: float) -> None:
        deliveries = []
        began = time.monotonic()
        number = 0
        while (due := began + number * self.every) < until:
            time.sleep(max(0.0, due - time.monotonic()))
            number += 1
            delivery = threading.Thread(target=self.deliver, args=(number,), daemon=True)
            delivery.start()
            deliveries.append(delivery)
        for delivery in deliveries:
            delivery.join(timeout=180)

    def report(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.seconds) or [0.0]
        return {
            "piped_messages": len(self.sent),
            "piped_messages_refused": len(self.failed),
            "piped_messages_delivered_again": self.retried,
            "piped_per_second": round(len(self.sent) / seconds, 2),
            "pipe_ms": {
                "p50": round(1000 * ordered[len(ordered) // 2], 1),
                "p95": round(1000 * ordered[int(len(ordered) * 0.95)], 1),
            },
        }


def locust_stats(prefix: Path) -> dict[str, dict[str, Any]]:
    stats = {}
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as table:
        for row in csv.DictReader(table):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "per_second": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
            }
    return stats


def locust_failures(prefix: Path) -> list[dict[str, str]]:
    path = prefix.parent / f"{prefix.name}_failures.csv"
    if not path.exists():
        return []
    with path.open() as table:
        return list(csv.DictReader(table))


def settle(layout: Layout, limit: float = 420) -> float:
    """Wait until the queue is empty and every notification claimed is sent; how long it took (-1: not within
    ``limit``, which covers a job failed while the database was away and retried five minutes later)."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        queued = int(layout.redis("llen", "huey.redis.tuki").stdout.strip() or 0)
        unsent = layout.sql("select count(*) from mail_notification where sent_at is null")
        if not queued and not unsent:
            return round(time.monotonic() - began, 1)
        time.sleep(2)
    return -1


def catch_up(layout: Layout, limit: float = 1800) -> float:
    """What the consumers of a new installation do first on a data set with a history: last month's reports of
    every customer and their mails to the customer managers (a PDF each). A running system made them on the first
    of the month; the load test measures a day like any other, so they are made before it starts. Seconds taken."""
    began = time.monotonic()
    made = layout.script("manage", "reports_periodic", timeout=limit)
    if made.returncode != 0:
        raise RuntimeError(made.stdout + made.stderr)
    log(made.stdout.strip())
    while time.monotonic() - began < limit:
        unsent = layout.sql("select count(*) from reports_reportnotice where sent_at is null")
        if not unsent and settle(layout, limit=60) >= 0:
            return round(time.monotonic() - began, 1)
        time.sleep(5)
    raise RuntimeError(f"last month's report mails were not sent within {limit} s")


def count(layout: Layout, since: Any, piped: list[str]) -> dict[str, Any]:
    filed = layout.sql("select count(*) from tickets_ticket where subject = %s and created_at > %s", SUBJECT, since)
    replies = layout.sql(
        "select count(*) from tickets_ticketevent where kind = 'reply' and body = %s and created_at > %s", REPLY, since
    )
    ids = list(piped)
    taken = layout.sql("select count(*) from mail_inboundmessage where message_id = any(%s)", ids)
    distinct = layout.sql("select count(distinct message_id) from mail_inboundmessage where message_id = any(%s)", ids)
    without = layout.sql(
        "select count(*) from tickets_ticketevent e join tickets_ticket t on t.id = e.ticket_id where e.kind = "
        "'created' and t.subject = %s and t.created_at > %s and not exists "
        "(select 1 from mail_notification n where n.event_id = e.id)",
        SUBJECT,
        since,
    )
    outbox: Counter[bytes] = Counter()
    for path in (layout.run / "var" / "mail").glob("*.eml"):
        found = re.search(rb"^Message-ID: *(<[^>]+>)", path.read_bytes(), re.MULTILINE | re.IGNORECASE)
        if found:
            outbox[found[1]] += 1
    return {
        "filed_in_database": filed,
        "replies_in_database": replies,
        "piped_messages_taken": distinct,
        "piped_messages_taken_twice": taken - distinct,
        "notifications": layout.sql("select count(*) from mail_notification where created_at > %s", since),
        "notifications_unsent": layout.sql("select count(*) from mail_notification where sent_at is null"),
        "filed_requests_without_notification": without,
        "mails_in_outbox": sum(outbox.values()),
        "mails_sent_twice": sum(1 for times in outbox.values() if times > 1),
    }


def load_data_set(layout: Layout, requests: int) -> dict[str, str]:
    """bench/desk.py's staff, 200 customers and ``requests`` requests with their history in the layout's database;
    the load test's logins on it (bench/load.py's variables)."""
    log(f"loading bench/desk.py's {requests:,} requests")
    loaded = subprocess.run(  # noqa: S603 - our own benchmark's loader
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "bench" / "desk.py"), "--load-only", "--database",
         "postgres", "--pg-name", DATABASE.rsplit("/", 1)[1], "--requests", str(requests)],
        cwd=ROOT, env=layout.environ, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if loaded.returncode != 0:
        raise RuntimeError(loaded.stderr[-3000:])
    contacts = [f"contact{n}@customer{o:03d}.example" for o in range(1, 11) for n in (1, 3)]
    assert CONTACTS_PER_ORGANISATION >= 3
    return {
        "TUKI_LOAD_AGENTS": "agent1@bench.example,agent2@bench.example,agent3@bench.example",
        "TUKI_LOAD_AGENT_PASSWORD": PASSWORD,
        "TUKI_LOAD_CONTACTS": ",".join(contacts),
        "TUKI_LOAD_CONTACT_PASSWORD": CONTACT_PASSWORD,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--faults", default="kill-consumer,redis,postgres", help="comma-separated: " + ",".join(FAULTS))
    parser.add_argument("--mail-every", type=float, default=0.2, help="seconds between piped messages")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users starting (and logging in) a second")
    parser.add_argument(
        "--requests",
        type=int,
        default=1_000_000,
        help="bench/desk.py's data set of this many requests, loaded first; its people log in (0: the demo's data)",
    )
    parser.add_argument("--quick", action="store_true", help="10 users, 45 s, one consumer killed, the demo's data")
    parser.add_argument("--run-dir", default=str(ROOT / "var" / "faults"))
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.seconds, args.faults, args.mail_every, args.requests = 10, 45, "kill-consumer", 1.0, 0
    faults = [FAULTS[name] for name in args.faults.split(",") if name]

    run = Path(args.run_dir)
    shutil.rmtree(run, ignore_errors=True)
    layout = Layout(run)
    with psycopg.connect(DATABASE.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS tuki_faults WITH (FORCE)")
    result: dict[str, Any] = {"users": args.users, "seconds": args.seconds, "requests_before": args.requests}
    people = load_data_set(layout, args.requests) if args.requests else {}
    sender = BENCH_SENDER if args.requests else DEMO_SENDER
    log("starting the production layout")
    layout.start()
    if args.requests:
        result["catch_up_seconds"] = catch_up(layout)
        log(f"last month's reports made and mailed in {result['catch_up_seconds']} s")
    result["faults"] = []
    try:
        since = layout.sql("select now()")
        prefix = run / "load"
        locust = subprocess.Popen(  # noqa: S603 - the load test's tool from our environment
            [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" / "load.py"), "--headless",
             "--host", layout.url, "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "30"],
            cwd=ROOT, env={**os.environ, "TUKI_LOAD_CA": str(run / "tls" / "cert.pem"), **people},
            stdout=subprocess.DEVNULL, stderr=(run / "locust.log").open("wb"),
        )  # fmt: skip
        began = time.monotonic()
        cpu_before = cpu_by_part(layout, locust.pid)
        mail_cpu_before = children_cpu()  # the pipe's processes, as they are waited for
        mail_server = MailServer(layout, args.mail_every, sender)
        piping = threading.Thread(target=mail_server.run, args=(began + args.seconds - 5,), daemon=True)
        piping.start()
        for number, fault in enumerate(faults, start=1):
            # Spread over the middle of the run, after the users have ramped up.
            time.sleep(max(0.0, began + args.seconds * number / (len(faults) + 1) - time.monotonic()))
            at = round(time.monotonic() - began, 1)
            result["faults"].append(fault(layout) | {"at_second": at})
        piping.join(timeout=240)
        result["cpu_seconds"] = {  # a process started again meanwhile (the killed consumer) counts from its start
            part: round(seconds - (cpu_before[part][1] if cpu_before.get(part, (0, 0))[0] == pid else 0.0), 1)
            for part, (pid, seconds) in cpu_by_part(layout, locust.pid).items()
        }
        result["cpu_seconds"]["mailgate"] = round(children_cpu() - mail_cpu_before, 1)
        result["cpu_seconds"]["rest"] = round(  # PostgreSQL above all
            result["cpu_seconds"]["machine"] - sum(v for k, v in result["cpu_seconds"].items() if k != "machine"), 1
        )
        locust.wait(timeout=args.seconds + 150)
        log("load over; waiting for the consumers to finish")
        result["settled_seconds"] = settle(layout)
        stats = locust_stats(prefix)
        result["pages"] = {name: row for name, row in stats.items() if name != "Aggregated"}
        result["failures"] = locust_failures(prefix)
        result |= mail_server.report(args.seconds - 5)
        result["counts"] = count(layout, since, mail_server.sent)
        result["peak_mb"] = peaks(layout)
    finally:
        layout.stop()
    saved = {name: row["requests"] - row["failures"] for name, row in result["pages"].items()}
    counts = result["counts"]
    # Saved means in the database: a write answered with an error (the database went away between its commit and
    # the end of its response) may be there too, and is counted apart; none that Locust saw saved may be missing.
    result["saved_but_answered_with_an_error"] = {
        "filings": counts["filed_in_database"] - saved.get("portal file request", 0),
        "replies": counts["replies_in_database"] - saved.get("desk reply", 0),
    }
    result["nothing_lost"] = (
        min(result["saved_but_answered_with_an_error"].values()) >= 0
        and counts["piped_messages_taken"] == result["piped_messages"]
        and not result["piped_messages_refused"]
        and counts["notifications_unsent"] == 0
        and counts["filed_requests_without_notification"] == 0
        and result["settled_seconds"] >= 0
    )
    result["nothing_doubled"] = counts["piped_messages_taken_twice"] == 0 and counts["mails_sent_twice"] == 0
    print(json.dumps(result, indent=1))
    return 0 if result["nothing_lost"] and result["nothing_doubled"] else 1


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_tree(pid: int) -> list[int]:
    """A process and its children; empty when it is gone."""
    try:
        return [pid, *children(pid)]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process and its children have used so far, from /proc."""
    total = 0.0
    for process in process_tree(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def cpu_by_part(layout: Layout, locust: int) -> dict[str, tuple[int, float]]:
    """Each part of the layout and the load generator: its process and the CPU seconds it has used so far; and the
    machine's, so that what is left (PostgreSQL, the kernel, anything else running) can be told too."""
    parts = layout.pids()
    parts["redis"] = int((layout.run / "redis" / "redis.pid").read_text())
    parts["locust"] = locust
    found = {name: (pid, cpu_seconds(pid)) for name, pid in sorted(parts.items())}
    found["machine"] = (0, machine_cpu())
    return found


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy since it started (all cores; /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
    )
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def peaks(layout: Layout) -> dict[str, float]:
    """The most resident memory each web instance's workers and each consumer held (VmHWM)."""
    found = {}
    for name, pid in layout.pids().items():
        processes = process_tree(pid)
        if not name.startswith(("web-", "worker-")) or not processes:  # not ours to weigh, or gone
            continue
        highest = 0.0
        for process in processes:
            try:
                highest = max(highest, peak_mb(process))
            except OSError:  # gone meanwhile
                continue
        found[name] = highest
    return found


if __name__ == "__main__":
    sys.exit(main())
