"""Benchmark the inbound mail intake: messages per second through the pipe's code path and through IMAP.

Run from the repository root:

    .venv/bin/python bench/mail.py [--messages 2000] [--profile]

Prints one JSON object on stdout (progress goes to stderr). The run uses a fresh SQLite database in a temporary
TUKI_VAR_DIR (migrated, with 20 customers, 5 named contacts and an agreement each, and 200 open requests to
reply to). It generates realistic mail in memory: new requests in plain text, HTML and multipart with
attachments (PDF, inline PNG), replies to existing requests by ``[SR-n]`` in the subject or by In-Reply-To,
auto-replies, bounces and strangers. Then it

1. times :func:`tuki.mail.intake.entry.pipe_intake` (what ``manage.py mail_intake`` runs) in-process on every
   message, one transaction each, jobs (notifications, automatic answers) queued as in production;
2. starts a Dovecot like the tests' (tests/mail/dovecot.py), appends a second set of as many messages, and
   times :func:`tuki.mail.imap.poll_mailbox` until the mailbox is empty.

Target: at least 200 messages a second through the intake on SQLite. ``--profile`` prints the top of a
cProfile of the pipe run to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from datetime import time as clock_time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGANISATIONS = 20
CONTACTS_PER_ORGANISATION = 5
OPEN_REQUESTS = 200
TARGET_PER_SECOND = 200
QUIET = 0.25  # CPU share busy with other work below which timing starts
TARGETS = {1: (30, 240), 2: (60, 480), 3: (240, 960), 4: (480, 2400)}
_started = time.perf_counter()

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + b"%" * 20_000
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
SUBJECTS = [
    "Kirjautuminen ei onnistu",
    "Yöajo epäonnistui",
    "Intranetin etusivu latautuu hitaasti",
    "Raportti näyttää väärät luvut",
    "Salasanan vaihto ei toimi",
    "Login fails for new users",
    "Export to Excel is broken",
    "Certificate expires next week",
]
SENTENCES = [
    "Hei, huomasimme tänä aamuna, että järjestelmä ei toimi odotetusti.",
    "Virheilmoitus tulee näkyviin heti kirjautumisen jälkeen.",
    "Ongelma koskee useampaa käyttäjää talousosastolla.",
    "Could you please have a look at this as soon as possible?",
    "We have not changed anything on our side since last week.",
    "Liitteenä kuvakaappaus ja lokitiedosto.",
    "Ystävällisin terveisin,\nAsiakas",
]


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)


def prepare_environment(var_dir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["TUKI_VAR_DIR"] = str(var_dir)
    os.environ["TUKI_MEDIA_ROOT"] = str(var_dir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuki.settings"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DEBUG"] = "0"  # as in production: no query log kept in memory
    os.environ.pop("TUKI_MAIL_IMAP_HOST", None)
    import django

    django.setup()


def load_customers(rng: random.Random) -> dict[str, Any]:
    """Customers with agreements and named contacts, staff, and open requests to reply to."""
    from django.core.management import call_command

    from tuki.accounts.services import contact_create, organisation_create, staff_create
    from tuki.agreements.services import agreement_save, calendar_save
    from tuki.mail.threading import thread_message_id
    from tuki.tickets.services import ticket_create

    call_command("migrate", verbosity=0)
    manager = staff_create(email="manager@supplier.example", full_name="Maija Manageri", manager=True)
    staff_create(email="agent@supplier.example", full_name="Aino Agentti")
    calendar = calendar_save(
        actor=manager, name="Office hours", weekly=[(day, clock_time(8), clock_time(16)) for day in range(5)]
    )
    contacts = []
    for number in range(ORGANISATIONS):
        organisation = organisation_create(name=f"Customer {number} Oy", business_id=f"{1000000 + number}-1")
        agreement_save(
            actor=manager,
            organisation=organisation,
            service_calendar=calendar,
            targets=TARGETS,
            valid_from=date(2025, 1, 1),
        )
        for person in range(CONTACTS_PER_ORGANISATION):
            contacts.append(
                contact_create(
                    organisation=organisation,
                    email=f"person{person}@customer{number}.example",
                    full_name=f"Person {person} of Customer {number}",
                )
            )
    requests = []
    for _number in range(OPEN_REQUESTS):
        contact = rng.choice(contacts)
        ticket = ticket_create(actor=contact.user, requester=contact, subject=rng.choice(SUBJECTS))
        requests.append((contact.user.email, ticket.pk, thread_message_id(ticket), ticket.subject))
    return {"contacts": [c.user.email for c in contacts], "requests": requests}


def body(rng: random.Random, sentences: int = 4) -> str:
    return "\n\n".join(rng.choice(SENTENCES) for _ in range(sentences))


def generate(count: int, data: dict[str, Any], rng: random.Random, tag: str) -> tuple[list[bytes], Counter[str]]:
    """``count`` messages of a realistic mix, each with its own Message-ID."""
    kinds = (
        ["plain"] * 25
        + ["html"] * 15
        + ["attachments"] * 15
        + ["reply_subject"] * 10
        + ["reply_header"] * 10
        + ["auto_reply"] * 10
        + ["bounce"] * 3
        + ["stranger"] * 12
    )
    messages: list[bytes] = []
    mix: Counter[str] = Counter()
    for number in range(count):
        kind = rng.choice(kinds)
        mix[kind] += 1
        message = EmailMessage()
        sender = rng.choice(data["contacts"])
        subject = rng.choice(SUBJECTS)
        text = body(rng)
        headers: dict[str, str] = {}
        if kind in ("reply_subject", "reply_header"):
            sender, ticket_id, thread_id, subject = rng.choice(data["requests"])
            quoted = "\n".join("> " + line for line in body(rng, 2).splitlines())
            text = body(rng, 2) + "\n\nOn Mon, 2 Mar 2026 Tuki wrote:\n" + quoted
            if kind == "reply_subject":
                subject = f"Re: [SR-{ticket_id}] {subject}"
            else:
                subject = f"Re: {subject}"
                headers["In-Reply-To"] = thread_id
                headers["References"] = thread_id
        elif kind == "auto_reply":
            subject = f"Poissa / Out of office: {subject}"
            headers[rng.choice(["Auto-Submitted", "X-Autoreply"])] = "auto-replied"
            text = "Olen lomalla 14.3. asti. I am on holiday until 14 March."
        elif kind == "bounce":
            sender = "MAILER-DAEMON@mx.example"
            subject = "Undelivered Mail Returned to Sender"
        elif kind == "stranger":
            sender = f"someone{rng.randrange(300)}@gmail.example"
        message["From"] = sender
        message["To"] = "tuki@example.com"
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime(2026, 3, 2, 9, number % 60, tzinfo=UTC))
        message["Message-ID"] = f"<bench-{tag}-{number}.{rng.getrandbits(40):x}@mail.example>"
        for name, value in headers.items():
            message[name] = value
        message.set_content(text)
        if kind == "html":
            paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n\n"))
            message.add_alternative(f"<html><body>{paragraphs}<div style='color:red'>--</div></body></html>", "html")
        if kind == "attachments":
            message.add_alternative(f"<html><body><p>{text}</p><img src='cid:shot.png'></body></html>", "html")
            html_part = message.get_body(("html",))
            assert html_part is not None
            html_part.add_related(PNG, maintype="image", subtype="png", filename="shot.png", cid="<shot.png>")
            message.add_attachment(PDF, maintype="application", subtype="pdf", filename="loki.pdf")
        messages.append(bytes(message))
    return messages, mix


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
    """Timings on a shared machine mean little while other work runs: wait (up to ``limit`` s) for a lull."""
    began = time.perf_counter()
    while True:
        busy = cpu_busy()
        if busy < QUIET or time.perf_counter() - began > limit:
            return round(busy, 2)
        log(f"  the machine is {busy:.0%} busy with other work; waiting for a quieter moment")


def time_pipe(messages: list[bytes], profile: bool) -> dict[str, Any]:
    from tuki.mail.intake.entry import EX_OK, pipe_intake
    from tuki.mail.models import InboundMessage

    before = InboundMessage.objects.count()
    profiler = cProfile.Profile() if profile else None
    codes: Counter[int] = Counter()
    began = time.perf_counter()
    cpu_began = time.process_time()
    if profiler:
        profiler.enable()
    for raw in messages:
        codes[pipe_intake(raw)] += 1
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - began
    cpu_seconds = time.process_time() - cpu_began
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue(), file=sys.stderr)
    statuses = Counter(InboundMessage.objects.order_by().values_list("status", flat=True)[before:])
    return {
        "messages": len(messages),
        "seconds": round(seconds, 2),
        "per_second": round(len(messages) / seconds, 1),
        "ms_per_message": round(1000 * seconds / len(messages), 2),
        # Messages per second of this process's own CPU time: what the rate would be without other work.
        "per_cpu_second": round(len(messages) / cpu_seconds, 1),
        "exit_codes": {str(code): count for code, count in codes.items()},
        "all_exit_0": codes[EX_OK] == len(messages),
        "statuses": dict(statuses),
    }


def time_imap(messages: list[bytes], var_dir: Path) -> dict[str, Any]:
    from imapclient import IMAPClient

    from tests.mail.dovecot import Dovecot
    from tuki.mail.imap import MailboxConfig, poll_mailbox
    from tuki.mail.models import InboundMessage

    with Dovecot(var_dir) as server:
        client = IMAPClient(server.host, port=server.port, ssl=False, timeout=60)
        client.login(server.user, server.password)
        began = time.perf_counter()
        for raw in messages:
            client.append("INBOX", raw)
        append_seconds = time.perf_counter() - began
        log(f"  appended {len(messages)} messages in {append_seconds:.1f} s")
        config = MailboxConfig(
            host=server.host, port=server.port, user=server.user, password=server.password, ssl=False
        )
        before = InboundMessage.objects.count()
        polls = 0
        began = time.perf_counter()
        taken = 0
        while True:
            result = poll_mailbox(config)
            polls += 1
            taken += result.taken
            if result.fetched == 0 or polls > 20:
                break
        seconds = time.perf_counter() - began
        client.select_folder("INBOX", readonly=True)
        left = len(client.search(["ALL"]))
        client.logout()
    return {
        "messages": len(messages),
        "append_seconds": round(append_seconds, 2),
        "seconds": round(seconds, 2),
        "per_second": round(len(messages) / seconds, 1),
        "polls": polls,
        "taken": taken,
        "left_in_mailbox": left,
        "stored": InboundMessage.objects.count() - before,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile the pipe run (stderr)")
    parser.add_argument("--no-imap", action="store_true", help="skip the IMAP part")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--wait", type=float, default=120, help="seconds to wait at most for other work to calm down before timing"
    )
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="tuki-bench-mail-"))
    rng = random.Random(2026)  # noqa: S311 - test data
    try:
        prepare_environment(var_dir)
        log(f"loading customers into {var_dir}")
        data = load_customers(rng)
        pipe_messages, pipe_mix = generate(args.messages, data, rng, "pipe")
        imap_messages, _imap_mix = generate(args.messages, data, rng, "imap")
        log(f"generated {len(pipe_messages)} + {len(imap_messages)} messages")
        busy_before_pipe = wait_for_quiet(args.wait)
        log("timing the pipe's intake")
        pipe = time_pipe(pipe_messages, args.profile)
        log(f"  {pipe['per_second']} messages a second")
        imap = None
        busy_before_imap = None
        if not args.no_imap:
            busy_before_imap = wait_for_quiet(args.wait)
            log("timing the IMAP poller against Dovecot")
            imap = time_imap(imap_messages, var_dir)
            log(f"  {imap['per_second']} messages a second")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    result = {
        "benchmark": "mail intake",
        "database": "sqlite",
        "mix": dict(pipe_mix),
        "pipe": pipe,
        "imap": imap,
        "target_per_second": TARGET_PER_SECOND,
        "goals": {"pipe_ge_200_per_s": pipe["per_second"] >= TARGET_PER_SECOND},
        "info": {
            "cpus": os.cpu_count(),
            "cpu_busy_before_pipe": busy_before_pipe,
            "cpu_busy_before_imap": busy_before_imap,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "total_seconds": round(time.perf_counter() - _started, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
