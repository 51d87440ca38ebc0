"""A job worker killed mid-job (SIGKILL, as the OOM killer does it) loses nothing and doubles nothing: the job it
had in hand goes back on the queue (tuki.core.queue), another consumer runs it, and each person gets the request's
notification once, the one the dead consumer was sending included (tuki.mail.notifications): the job run again
knows that claim for its own and sends it at once, not after the claim's ten-minute lease.

Real processes throughout: the request is filed by a process whose jobs are queued (not run in place), the
consumers are `manage.py run_huey`, and the mail goes to a real SMTP server that holds the first message unanswered
until the consumer sending it is killed. The queue is SQLite's, or Redis's where the production layout has it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.mail.conftest import free_port
from tests.workers import database_url
from tuki.core.models import DeferredJob
from tuki.mail.models import Notification
from tuki.tickets.models import Ticket

PEOPLE = ["aaro@org-a.example", "agent@supplier.example", "manager@supplier.example"]
REDIS_QUEUE = "redis://127.0.0.1:6379/14"
FILE = """
from tuki.accounts.models import User
from tuki.tickets.services import ticket_create
anna = User.objects.get(email="anna@org-a.example")
aaro = User.objects.get(email="aaro@org-a.example")
ticket_create(actor=anna, requester=anna.contact, subject="Tulostin ei tulosta", cc=[aaro.contact])
"""


class HoldingServer:
    """Answers nothing to the first message's DATA while ``holding``; takes every later one."""

    def __init__(self) -> None:
        self.holding = True
        self.held = threading.Event()
        self.delivered: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.holding:
            self.held.set()
            await asyncio.sleep(3600)  # the sender is killed meanwhile; its connection drops
        self.delivered.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _environment(tmp_path: Path, smtp_port: int, redis_url: str) -> dict[str, str]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TUKI_VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "TUKI_JOBS_ORPHANED_AFTER": "2",
        "REDIS_URL": redis_url,
    }
    if not redis_url:
        environment.pop("REDIS_URL")
    return environment


def _manage(environment: dict[str, str], *arguments: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        env=environment,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
@pytest.mark.django_db(transaction=True)
def test_a_consumer_killed_while_mailing_leaves_its_job_to_another(
    queue: str, anna: Any, aaro: Any, agent: Any, agreement_a: Any, tmp_path: Path
) -> None:
    redis_url = REDIS_QUEUE if queue == "redis" else ""
    if redis_url:
        redis.Redis.from_url(redis_url).flushdb()
    server = HoldingServer()
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    environment = _environment(tmp_path, port, redis_url)
    consumers: list[subprocess.Popen[bytes]] = []
    try:
        filing = _manage(environment, "shell", "-c", FILE)
        assert filing.wait(timeout=120) == 0
        consumers.append(_manage(environment, "run_huey", "--workers", "1", "--no-periodic"))
        assert server.held.wait(timeout=120), "the first consumer never started mailing"
        os.kill(consumers[0].pid, signal.SIGKILL)
        consumers[0].wait(timeout=30)
        assert not server.delivered and Notification.objects.filter(sent_at=None).count() == 1

        server.holding = False
        time.sleep(3)  # the dead consumer's last sign of life is now older than TUKI_JOBS_ORPHANED_AFTER
        consumers.append(_manage(environment, "run_huey", "--workers", "1", "--no-periodic"))
        deadline = time.monotonic() + 120
        while Notification.objects.filter(sent_at=None).exists() or len(server.delivered) < len(PEOPLE):
            assert time.monotonic() < deadline, f"mailed {server.delivered} only"
            time.sleep(0.2)
        time.sleep(2)  # anything doubled would arrive now
    finally:
        for consumer in consumers:
            consumer.kill()
            consumer.wait(timeout=30)
        controller.stop()
        if redis_url:
            redis.Redis.from_url(redis_url).flushdb()
    # The staff on duty (Aino and Maija) and aaro in copy; anna filed it herself and hears nothing.
    assert sorted(recipients for [recipients] in server.delivered) == sorted(PEOPLE)
    assert Notification.objects.count() == len(PEOPLE) and not Notification.objects.filter(sent_at=None).exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_while_redis_is_away_runs_once_it_is_back(
    anna: Any, aaro: Any, agent: Any, agreement_a: Any, tmp_path: Path
) -> None:
    """Redis restarting when a request is filed: the request is saved, its notification job waits in the database
    (tuki.core.queue), and a consumer queues and runs it once Redis answers."""
    redis.Redis.from_url(REDIS_QUEUE).flushdb()
    server = HoldingServer()
    server.holding = False
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    consumer = None
    try:
        filing = _manage(_environment(tmp_path, port, "redis://127.0.0.1:9/0"), "shell", "-c", FILE)  # nothing there
        assert filing.wait(timeout=120) == 0
        assert Ticket.objects.count() == 1 and DeferredJob.objects.count() == 1

        consumer = _manage(_environment(tmp_path, port, REDIS_QUEUE), "run_huey", "--workers", "1", "--no-periodic")
        deadline = time.monotonic() + 120
        while len(server.delivered) < len(PEOPLE):
            assert time.monotonic() < deadline, f"mailed {server.delivered} only"
            time.sleep(0.2)
        time.sleep(2)  # anything doubled would arrive now
    finally:
        if consumer is not None:
            consumer.kill()
            consumer.wait(timeout=30)
        controller.stop()
        redis.Redis.from_url(REDIS_QUEUE).flushdb()
    assert sorted(recipients for [recipients] in server.delivered) == sorted(PEOPLE)
    assert not DeferredJob.objects.exists()
