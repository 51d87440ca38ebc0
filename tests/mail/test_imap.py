"""The IMAP poller against a real Dovecot: a message is marked or moved only after the intake has committed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.mail.dovecot import Dovecot
from tests.mail.failures import drop_failure, fail_attachment_inserts
from tests.mail.messages import PDF, mail
from tests.workers import run_in_workers
from tuki.core.claims import claim
from tuki.core.models import JobClaim
from tuki.mail.imap import MailboxConfig, poll_mailbox
from tuki.mail.intake.entry import intake
from tuki.mail.intake.tasks import POLL_CLAIM, poll_mailbox_job
from tuki.mail.models import AnswerState, InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("mail_media")

PROCESSED = "Tuki.Processed"  # "Tuki/Processed" in Dovecot's default hierarchy separator


def config(server: Dovecot, **overrides: Any) -> MailboxConfig:
    values: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "password": server.password,
        "ssl": False,
        "timeout": 30,
    }
    return MailboxConfig(**(values | overrides))


def deliver(server: Dovecot, *messages: bytes, folder: str = "INBOX") -> None:
    client: Any = server.client()
    for raw in messages:
        client.append(folder, raw)
    client.logout()


def mailbox(server: Dovecot, folder: str = "INBOX") -> dict[int, set[bytes]]:
    """UID -> flags of every message in the folder."""
    client: Any = server.client()
    if not client.folder_exists(folder):
        client.logout()
        return {}
    client.select_folder(folder, readonly=True)
    flags = client.get_flags(client.search(["ALL"]))
    client.logout()
    return {uid: set(value) for uid, value in flags.items()}


def test_the_poller_takes_every_message_and_moves_it_when_committed(
    dovecot: Dovecot, anna: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    deliver(
        dovecot,
        mail(subject="Tulostin", attachments=[("loki.pdf", "application/pdf", PDF)]),
        mail(sender="kalle@stranger.example", subject="Apua"),
        mail(sender="anna@org-a.example", subject="Poissa", headers={"Auto-Submitted": "auto-replied"}),
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = poll_mailbox(config(dovecot))
    assert (result.fetched, result.taken, result.failed, result.stopped) == (3, 3, 0, False)
    assert result.statuses == {"accepted": 1, "refused": 1, "ignored": 1}
    assert mailbox(dovecot) == {}
    moved = mailbox(dovecot, PROCESSED)
    assert len(moved) == 3 and all(b"\\Seen" in flags for flags in moved.values())
    records = InboundMessage.objects.order_by("pk")
    assert [r.source for r in records] == [InboundSource.IMAP] * 3
    ticket = Ticket.objects.get()
    assert ticket.attachments.get().name == "loki.pdf"
    assert InboundMessage.objects.get(status=InboundStatus.REFUSED).answer == AnswerState.SENT
    # Nothing left: the next poll fetches nothing.
    assert poll_mailbox(config(dovecot)).fetched == 0


def test_without_a_processed_folder_messages_are_flagged_in_place(
    dovecot: Dovecot, anna: Any, agreement_a: Any
) -> None:
    deliver(dovecot, mail(subject="Yksi"), mail(subject="Kaksi"))
    result = poll_mailbox(config(dovecot, processed_folder=""))
    assert result.taken == 2
    flags = mailbox(dovecot)
    assert len(flags) == 2
    assert all({b"\\Seen", b"TukiProcessed"} <= value for value in flags.values())
    assert poll_mailbox(config(dovecot, processed_folder="")).fetched == 0
    deliver(dovecot, mail(subject="Kolme"))
    assert poll_mailbox(config(dovecot, processed_folder="")).taken == 1
    assert Ticket.objects.count() == 3


def test_a_message_taken_but_not_yet_marked_is_not_taken_twice(dovecot: Dovecot, anna: Any, agreement_a: Any) -> None:
    raw = mail(subject="Kaatui kesken")
    deliver(dovecot, raw)
    # The poller committed this message, then died before it could move it.
    intake(raw, source=InboundSource.IMAP)
    result = poll_mailbox(config(dovecot))
    assert (result.fetched, result.taken, result.duplicates) == (1, 0, 1)
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1
    assert mailbox(dovecot) == {} and len(mailbox(dovecot, PROCESSED)) == 1


def test_a_database_error_leaves_the_message_in_the_mailbox_and_nothing_in_the_database(
    dovecot: Dovecot, anna: Any, agreement_a: Any
) -> None:
    fail_attachment_inserts()
    deliver(
        dovecot,
        mail(subject="Liitteellä", attachments=[("loki.pdf", "application/pdf", PDF)]),
        mail(subject="Ilman liitettä"),
    )
    result = poll_mailbox(config(dovecot))
    # The failing message stays, unread and unmarked; the mailbox goes on with the next one.
    assert (result.fetched, result.taken, result.failed, result.stopped) == (2, 1, 1, False)
    [(uid, flags)] = mailbox(dovecot).items()
    assert b"\\Seen" not in flags
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.get().subject == "Ilman liitettä"
    drop_failure()
    result = poll_mailbox(config(dovecot))
    assert (result.fetched, result.taken) == (1, 1)
    assert mailbox(dovecot) == {}
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Ilman liitettä", "Liitteellä"]


@pytest.fixture
def locked_database(transactional_db: Any) -> Iterator[None]:
    """Another process holds a lock the intake needs, longer than the intake waits: the database is
    unavailable for now (SQLite: the write lock; PostgreSQL: an exclusive lock on the intake's table)."""
    if connection.vendor == "sqlite":
        options = connection.settings_dict["OPTIONS"]
        timeout = options.get("timeout")
        options["timeout"] = 0.2
        connection.close()
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
            options["timeout"] = timeout
            connection.close()
        return
    import psycopg

    data = connection.settings_dict
    other_pg = psycopg.connect(
        host=data["HOST"] or "127.0.0.1",
        port=data["PORT"] or 5432,
        user=data["USER"],
        password=data["PASSWORD"] or None,
        dbname=data["NAME"],
    )
    other_pg.execute("LOCK TABLE mail_inboundmessage IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        yield
    finally:
        other_pg.rollback()
        other_pg.close()
        connection.close()


def test_an_unavailable_database_stops_the_poll_and_leaves_the_mail(
    dovecot: Dovecot, anna: Any, agreement_a: Any, locked_database: None
) -> None:
    deliver(dovecot, mail(subject="Yksi"), mail(subject="Kaksi"))
    result = poll_mailbox(config(dovecot))
    assert result.stopped and result.taken == 0 and result.fetched == 1
    assert len(mailbox(dovecot)) == 2
    assert all(b"\\Seen" not in flags for flags in mailbox(dovecot).values())


def test_the_lock_released_the_next_poll_takes_the_mail(
    dovecot: Dovecot, anna: Any, agreement_a: Any, transactional_db: Any
) -> None:
    deliver(dovecot, mail(subject="Yksi"), mail(subject="Kaksi"))
    assert poll_mailbox(config(dovecot)).taken == 2
    assert Ticket.objects.count() == 2 and mailbox(dovecot) == {}


def test_the_periodic_job_reads_the_configured_mailbox(
    dovecot: Dovecot, anna: Any, agreement_a: Any, settings: Any
) -> None:
    settings.TUKI_MAIL_IMAP_HOST = dovecot.host
    settings.TUKI_MAIL_IMAP_PORT = dovecot.port
    settings.TUKI_MAIL_IMAP_USER = dovecot.user
    settings.TUKI_MAIL_IMAP_PASSWORD = dovecot.password
    settings.TUKI_MAIL_IMAP_SSL = False
    deliver(dovecot, mail(subject="Ajastettu"))
    poll_mailbox_job()  # jobs run at once in the tests
    assert Ticket.objects.get().subject == "Ajastettu"
    assert mailbox(dovecot) == {}


def test_the_periodic_job_does_nothing_without_a_mailbox(settings: Any, db: Any) -> None:
    settings.TUKI_MAIL_IMAP_HOST = ""
    poll_mailbox_job()
    assert not InboundMessage.objects.exists()


def test_a_big_mailbox_is_read_in_batches(dovecot: Dovecot, anna: Any, agreement_a: Any) -> None:
    deliver(dovecot, *(mail(subject=f"Viesti {number}") for number in range(120)))
    result = poll_mailbox(config(dovecot))
    assert result.taken == 120 and Ticket.objects.count() == 120
    assert mailbox(dovecot) == {}


def test_mail_with_8bit_headers_does_not_stop_the_mailbox(dovecot: Dovecot, anna: Any, agreement_a: Any) -> None:
    broken = (
        b"From: anna@org-a.example\r\nSubject: \xe4\xe4kk\xf6set \xff\r\nMessage-ID: <8bit@x>\r\n\r\n"
        b"Tulostin \xe4\xe4nt\xe4\xe4.\r\n"
    )
    deliver(dovecot, broken, mail(subject="Seuraava"))
    result = poll_mailbox(config(dovecot))
    assert result.taken == 2 and mailbox(dovecot) == {}


def load_settings(tmp_path: Any, **overrides: str) -> Any:
    """Load the real settings in a fresh interpreter with the given environment."""
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    drop = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}
    environ = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TUKI_MAIL_")}
    environ |= {"TUKI_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tuki.settings"} | overrides
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.TUKI_MAIL_IMAP_PORT, s.TUKI_MAIL_IMAP_PASSWORD, s.TUKI_MAIL_MAX_BYTES)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"TUKI_MAIL_MAX_MB": "0"}, "TUKI_MAIL_MAX_MB"),
        ({"TUKI_MAIL_MAX_MB": "lots"}, "TUKI_MAIL_MAX_MB"),
        ({"TUKI_MAIL_IMAP_PORT": "70000"}, "TUKI_MAIL_IMAP_PORT"),
        ({"TUKI_MAIL_IMAP_SSL": "sometimes"}, "TUKI_MAIL_IMAP_SSL"),
        ({"TUKI_MAIL_IMAP_HOST": "imap.example"}, "TUKI_MAIL_IMAP_PASSWORD"),
        ({"TUKI_MAIL_IMAP_PASSWORD": "a", "TUKI_MAIL_IMAP_PASSWORD_FILE": "/nonexistent"}, "TUKI_MAIL_IMAP_PASSWORD"),
        ({"TUKI_MAIL_IMAP_KEYWORD": "two words"}, "TUKI_MAIL_IMAP_KEYWORD"),
    ],
)
def test_wrong_mail_settings_stop_start_up(tmp_path: Any, overrides: dict[str, str], named: str) -> None:
    done = load_settings(tmp_path, **overrides)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and named in done.stderr


def test_mail_settings_from_the_environment(tmp_path: Any) -> None:
    secret = tmp_path / "imap-password"
    secret.write_text("s3cret\n")
    done = load_settings(
        tmp_path,
        TUKI_MAIL_IMAP_HOST="imap.example",
        TUKI_MAIL_IMAP_USER="tuki",
        TUKI_MAIL_IMAP_PASSWORD_FILE=str(secret),
        TUKI_MAIL_IMAP_SSL="no",
        TUKI_MAIL_MAX_MB="10",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["143", "s3cret", str(10 * 1024 * 1024)]


@pytest.mark.django_db(transaction=True)
def test_two_consumers_polling_take_each_message_once(
    dovecot: Dovecot, anna: Any, agreement_a: Any, settings: Any
) -> None:
    settings.TUKI_MAIL_IMAP_HOST = dovecot.host
    settings.TUKI_MAIL_IMAP_PORT = dovecot.port
    settings.TUKI_MAIL_IMAP_USER = dovecot.user
    settings.TUKI_MAIL_IMAP_PASSWORD = dovecot.password
    settings.TUKI_MAIL_IMAP_SSL = False
    deliver(dovecot, *(mail(subject=f"Kahdesti {number}") for number in range(20)))
    # A poller that is reading the mailbox right now: the others leave it alone.
    holder = claim("mail.poll_mailbox", for_=POLL_CLAIM)
    results, failures = run_in_workers(poll_mailbox_job.call_local)
    assert not failures and results == [False, False]
    assert not Ticket.objects.exists()
    # It was killed mid-poll: once its claim has run out, the next tick's poller reads everything, once.
    JobClaim.objects.filter(owner=holder).update(until=timezone.now())
    results, failures = run_in_workers(poll_mailbox_job.call_local)
    assert not failures and True in results
    assert Ticket.objects.count() == 20 and mailbox(dovecot) == {}
