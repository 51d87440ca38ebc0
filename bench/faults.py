"""The production layout under load and faults, and a count afterwards that nothing was lost or doubled.

    bench/faults.py                      50 users for 5 minutes, every fault (docs/deploy.md, "Faults")
    bench/faults.py --quick              10 users for 45 seconds, one consumer killed (what the suite runs)

Starts scripts/production_demo.sh (its own run directory, database ``tuki_faults`` and a Redis of its own that
keeps its data on disk, as docs/deploy.md asks of production), runs bench/load.py with Locust, pipes mail into
the intake as an MTA would, and meanwhile: kills a consumer with SIGKILL and starts it again as systemd would;
restarts Redis; restarts PostgreSQL (``--faults all`` only: the machine's server, so never in the suite). Then it
waits for the consumers to finish and counts in the database: every filing and reply Locust saw saved is there,
every piped message was taken once, every notification was sent and none twice (each Message-ID once in the
outbox). Prints JSON; exit status 1 when something was lost, doubled or failed outside a fault's window.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
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
from desk import children, log, peak_mb  # noqa: E402 - the desk benchmark's reading of /proc and its log
from load import REPLY, SUBJECT  # noqa: E402 - the load test's own markers

DATABASE = "postgres://postgres@127.0.0.1:5432/tuki_faults"
BASH, REDIS_SERVER, REDIS_CLI, PG_CTLCLUSTER = (
    shutil.which(name) or name for name in ("bash", "redis-server", "redis-cli", "pg_ctlcluster")
)
REDIS_PORT = 6391
SENDER = "anna@asiakas-a.example"  # a demo contact: the piped mail files requests of her customer
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

    def sql(self, query: str, *parameters: Any) -> Any:
        """The first column of the first row of ``query``."""
        with psycopg.connect(DATABASE, autocommit=True) as connection:
            row = connection.execute(query, parameters).fetchone()
        return row[0] if row else None

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


def pipe_mail(layout: Layout, every: float, until: float, sent: list[str], failed: list[str]) -> None:
    """Deliver a message through the MTA's pipe every ``every`` seconds; a temporary failure (75) is retried
    by the MTA, here at once, as many times as it takes."""
    number = 0
    while time.monotonic() < until:
        number += 1
        message_id = make_msgid(domain="asiakas-a.example")
        raw = (
            f"Authentication-Results: {RECEIVER}; dkim=pass header.d=asiakas-a.example; "
            "dmarc=pass header.from=asiakas-a.example\r\n"
            f"From: Anna Asiakas <{SENDER}>\r\nTo: tuki@example.com\r\nSubject: Load test mail {number}\r\n"
            f"Message-ID: {message_id}\r\nDate: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nThe report does not open.\r\n"
        ).encode()
        for _ in range(60):
            piped = subprocess.run(  # noqa: S603 - our own script
                [BASH, str(SCRIPT), "manage", "mail_intake"], input=raw, cwd=ROOT, env=layout.environ,
                capture_output=True, check=False,
            )  # fmt: skip
            if piped.returncode != 75:
                break
            time.sleep(1)
        (sent if piped.returncode == 0 else failed).append(message_id)
        time.sleep(every)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--faults", default="kill-consumer,redis,postgres", help="comma-separated: " + ",".join(FAULTS))
    parser.add_argument("--mail-every", type=float, default=1.0, help="seconds between piped messages")
    parser.add_argument("--quick", action="store_true", help="10 users, 45 s, one consumer killed")
    parser.add_argument("--run-dir", default=str(ROOT / "var" / "faults"))
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.seconds, args.faults, args.mail_every = 10, 45, "kill-consumer", 2.0
    faults = [FAULTS[name] for name in args.faults.split(",") if name]

    run = Path(args.run_dir)
    shutil.rmtree(run, ignore_errors=True)
    layout = Layout(run)
    with psycopg.connect(DATABASE.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS tuki_faults WITH (FORCE)")
    log("starting the production layout")
    layout.start()
    result: dict[str, Any] = {"users": args.users, "seconds": args.seconds, "faults": []}
    try:
        since = layout.sql("select now()")
        prefix = run / "load"
        locust = subprocess.Popen(  # noqa: S603 - the load test's tool from our environment
            [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" / "load.py"), "--headless",
             "--host", layout.url, "-u", str(args.users), "-r", "10", "-t", f"{args.seconds}s",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "30"],
            cwd=ROOT, env={**os.environ, "TUKI_LOAD_CA": str(run / "tls" / "cert.pem")},
            stdout=subprocess.DEVNULL, stderr=(run / "locust.log").open("wb"),
        )  # fmt: skip
        began = time.monotonic()
        sent: list[str] = []
        failed: list[str] = []
        piping = threading.Thread(
            target=pipe_mail, args=(layout, args.mail_every, began + args.seconds - 5, sent, failed), daemon=True
        )
        piping.start()
        for number, fault in enumerate(faults, start=1):
            # Spread over the middle of the run, after the users have ramped up.
            time.sleep(max(0.0, began + args.seconds * number / (len(faults) + 1) - time.monotonic()))
            at = round(time.monotonic() - began, 1)
            result["faults"].append(fault(layout) | {"at_second": at})
        locust.wait(timeout=args.seconds + 150)
        piping.join(timeout=120)
        log("load over; waiting for the consumers to finish")
        result["settled_seconds"] = settle(layout)
        stats = locust_stats(prefix)
        result["pages"] = {name: row for name, row in stats.items() if name != "Aggregated"}
        result["failures"] = locust_failures(prefix)
        result["piped_messages"] = len(sent)
        result["piped_messages_refused"] = len(failed)
        result["counts"] = count(layout, since, sent)
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


def peaks(layout: Layout) -> dict[str, float]:
    """The most resident memory each web instance's workers and each consumer held (VmHWM)."""
    found = {}
    for pidfile in (layout.run / "pids").glob("*.pid"):
        if not pidfile.stem.startswith(("web-", "worker-")):
            continue
        pid = int(pidfile.read_text())
        try:
            processes = [pid, *children(pid)]
        except OSError:  # the process is gone
            continue
        highest = 0.0
        for process in processes:
            try:
                highest = max(highest, peak_mb(process))
            except OSError:  # gone meanwhile
                continue
        found[pidfile.stem] = highest
    return found


if __name__ == "__main__":
    sys.exit(main())
