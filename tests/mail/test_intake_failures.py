"""When the intake cannot do its work: size limit, quarantine, and database errors that must leave no trace."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mail.failures import drop_failure, fail_attachment_inserts
from tests.mail.messages import PDF, mail
from tuki.mail.intake.desk import inbound_retry
from tuki.mail.intake.entry import EX_OK, EX_TEMPFAIL, intake, pipe_intake
from tuki.mail.intake.store import TemporaryFailure
from tuki.mail.models import AnswerState, InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.usefixtures("mail_media")

MB = 1024 * 1024


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def big_mail(sender: str = "anna@org-a.example", size: int = 30 * MB, **kwargs: Any) -> bytes:
    # Base64 makes the attachment a third bigger on the wire.
    payload = PDF + bytes(range(256)) * (size * 3 // 4 // 256)
    raw = mail(sender=sender, subject="Iso loki", attachments=[("iso.pdf", "application/pdf", payload)], **kwargs)
    assert len(raw) > size - MB
    return raw


# ----------------------------------------------------------------------------------------------------- too big


def test_a_30_mb_message_is_kept_oversized_and_answered_once(
    anna: Any, agreement_a: Any, smtp_server: Any, mail_media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    raw = big_mail(message_id="<iso@org-a.example>")
    assert len(raw) > 25 * MB
    with django_capture_on_commit_callbacks(execute=True):
        first = intake(raw, source=InboundSource.PIPE)
        again = intake(raw, source=InboundSource.IMAP)
    assert first.status == InboundStatus.OVERSIZED and again.duplicate
    record = InboundMessage.objects.get()
    assert record.size == len(raw) and record.message_id == "<iso@org-a.example>"
    assert record.sender == "anna@org-a.example" and record.subject == "Iso loki"
    assert record.answer == AnswerState.SENT
    assert record.raw.size == len(raw)  # kept whole for the agents
    assert not Ticket.objects.exists()
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["anna@org-a.example"]
    assert b"Auto-Submitted: auto-replied" in envelope.content
    assert b"In-Reply-To: <iso@org-a.example>" in envelope.content
    from email import message_from_bytes, policy

    body = message_from_bytes(envelope.content, policy=policy.default).get_content()
    assert "liian suuri" in body and "30,4\u00a0MB" in body and "on 25\u00a0MB" in body
    assert "too large" in body and "30.4\u00a0MB" in body and "is 25\u00a0MB" in body


def test_an_oversized_auto_reply_is_kept_but_not_answered(
    db: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TUKI_MAIL_MAX_BYTES = 10_000
    raw = big_mail(sender="robot@stranger.example", size=20_000, headers={"Auto-Submitted": "auto-replied"})
    with django_capture_on_commit_callbacks(execute=True):
        result = intake(raw, source=InboundSource.PIPE)
    record = InboundMessage.objects.get(pk=result.inbound_id)
    assert record.status == InboundStatus.OVERSIZED and record.answer == AnswerState.SUPPRESSED
    from django.core import mail as outbox

    assert outbox.outbox == []


# ------------------------------------------------------------------------------------------------- quarantine


def test_a_parse_timeout_quarantines_the_whole_message_and_an_agent_retries_it(
    anna: Any, agent: Any, agreement_a: Any, settings: Any
) -> None:
    settings.TUKI_MAIL_PARSE_SECONDS = 0  # every parse runs out of time
    raw = mail(message_id="<slow@org-a.example>", attachments=[("loki.pdf", "application/pdf", PDF)])
    result = intake(raw, source=InboundSource.PIPE)
    record = InboundMessage.objects.get(pk=result.inbound_id)
    assert record.status == InboundStatus.QUARANTINED
    assert "ParseTimeout" in record.error
    assert record.raw.read() == raw and record.message_id == "<slow@org-a.example>"
    assert not Ticket.objects.exists()
    # Delivered again while still slow: the same message, not a second record.
    assert intake(raw, source=InboundSource.IMAP).duplicate
    settings.TUKI_MAIL_PARSE_SECONDS = 5
    retried = inbound_retry(actor=agent, inbound=record)
    assert retried.status == InboundStatus.ACCEPTED and retried.attempts == 2 and retried.handled_by == agent
    assert retried.ticket is not None and retried.ticket.requester == anna.contact
    assert retried.ticket.attachments.count() == 1
    assert retried.error == ""


def test_an_unexpected_failure_quarantines_and_a_failed_retry_stays_there(
    anna: Any, agent: Any, agreement_a: Any, mail_media: Path
) -> None:
    # A real failure outside the database: the attachment storage cannot write (its folder is a file).
    mail_media.mkdir(parents=True, exist_ok=True)
    (mail_media / "attachments").write_text("not a folder")
    raw = mail(attachments=[("loki.pdf", "application/pdf", PDF)])
    result = intake(raw, source=InboundSource.PIPE)
    record = InboundMessage.objects.get(pk=result.inbound_id)
    assert record.status == InboundStatus.QUARANTINED and record.error
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert record.raw.read() == raw
    again = inbound_retry(actor=agent, inbound=record)
    assert again.status == InboundStatus.QUARANTINED and again.attempts == 2
    (mail_media / "attachments").unlink()
    fixed = inbound_retry(actor=agent, inbound=again)
    assert fixed.status == InboundStatus.ACCEPTED and fixed.ticket is not None


def test_only_staff_may_retry(anna: Any, agreement_a: Any, settings: Any) -> None:
    from django.core.exceptions import PermissionDenied

    settings.TUKI_MAIL_PARSE_SECONDS = 0
    record = InboundMessage.objects.get(pk=intake(mail(), source=InboundSource.PIPE).inbound_id)
    with pytest.raises(PermissionDenied):
        inbound_retry(actor=anna, inbound=record)


# --------------------------------------------------------------------------------------------- database errors


@pytest.fixture
def failing_attachments(db: Any) -> Iterator[None]:
    """A real database failure half-way: storing an attachment row fails inside the intake's transaction,
    after the request and its event have been written."""
    fail_attachment_inserts()
    yield
    drop_failure()


def test_a_database_error_half_way_writes_nothing(
    anna: Any, agreement_a: Any, failing_attachments: None, mail_media: Path
) -> None:
    raw = mail(attachments=[("loki.pdf", "application/pdf", PDF)])
    with pytest.raises(TemporaryFailure) as failure:
        intake(raw, source=InboundSource.IMAP)
    assert not failure.value.unavailable
    assert not InboundMessage.objects.exists()
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists() and not Attachment.objects.exists()
    assert files_under(mail_media / "mail") == []  # the stored raw mail is removed again
    assert pipe_intake(raw) == EX_TEMPFAIL  # the pipe asks the mail server to deliver it again
    drop_failure()
    assert pipe_intake(raw) == EX_OK
    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.ACCEPTED and record.ticket is not None
    assert Ticket.objects.count() == 1 and Attachment.objects.count() == 1


def test_a_message_that_always_fails_is_quarantined_after_the_attempts(
    anna: Any, agreement_a: Any, failing_attachments: None, settings: Any
) -> None:
    settings.TUKI_MAIL_MAX_ATTEMPTS = 3
    raw = mail(attachments=[("loki.pdf", "application/pdf", PDF)])
    for _attempt in range(2):
        with pytest.raises(TemporaryFailure):
            intake(raw, source=InboundSource.IMAP)
        assert not InboundMessage.objects.exists()
    result = intake(raw, source=InboundSource.IMAP)
    record = InboundMessage.objects.get(pk=result.inbound_id)
    assert record.status == InboundStatus.QUARANTINED and record.attempts == 3
    assert "simulated disk failure" in record.error
    assert not Ticket.objects.exists()


# ------------------------------------------------------------------------------------- storage away, disk full


@pytest.fixture
def full_disk(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Stored mail on a 64 KB file system of its own, filled up (tmpfs: needs the right to mount, as root)."""
    root = tmp_path / "small"
    root.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(root)]
    if subprocess.run(mount, capture_output=True, check=False).returncode != 0:  # noqa: S603
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        descriptor = os.open(root / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(descriptor, b"\0" * 4096):
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(descriptor)
        settings.MEDIA_ROOT = root
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=False)  # noqa: S603, S607


def test_a_full_disk_leaves_the_message_with_the_mail_server(anna: Any, agreement_a: Any, full_disk: Path) -> None:
    raw = mail(attachments=[("loki.pdf", "application/pdf", PDF)])
    assert pipe_intake(raw) == EX_TEMPFAIL  # the mail server keeps it and delivers it again
    assert not InboundMessage.objects.exists() and not Ticket.objects.exists()
    (full_disk / "filler").unlink()  # room again
    assert pipe_intake(raw) == EX_OK
    assert InboundMessage.objects.get().status == InboundStatus.ACCEPTED and Attachment.objects.count() == 1


def test_object_storage_away_leaves_the_message_with_the_mail_server(
    anna: Any, agreement_a: Any, s3_bucket: Any, settings: Any
) -> None:
    storage = settings.STORAGES["default"]
    away = storage | {"OPTIONS": storage["OPTIONS"] | {"endpoint_url": "http://127.0.0.1:9"}}
    settings.STORAGES = settings.STORAGES | {"default": away}
    raw = mail(attachments=[("loki.pdf", "application/pdf", PDF)])
    assert pipe_intake(raw) == EX_TEMPFAIL
    assert not InboundMessage.objects.exists() and not Ticket.objects.exists()
    settings.STORAGES = settings.STORAGES | {"default": storage}
    assert pipe_intake(raw) == EX_OK
    assert Ticket.objects.count() == 1 and Attachment.objects.count() == 1
