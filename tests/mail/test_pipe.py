"""``manage.py mail_intake``, the mail server's pipe: exit 0 for what it took or refused on purpose, 75 to retry."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.mail.failures import drop_failure, fail_attachment_inserts
from tests.mail.messages import PDF, TRUSTED_SERVER, mail
from tuki.mail.models import InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("mail_media")

MANAGE = Path(django_settings.BASE_DIR) / "manage.py"
EX_TEMPFAIL = 75


def run_pipe(raw: bytes, tmp_path: Path, database_url: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TUKI_VAR_DIR": str(tmp_path / "var"),
        "TUKI_MEDIA_ROOT": str(tmp_path / "media"),
        "TUKI_MAIL_AUTHSERV_ID": TRUSTED_SERVER,  # as tests/mail/conftest.py configures the tests' own process
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(MANAGE), "mail_intake"],
        input=raw,
        capture_output=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_database_url() -> str:
    """The test database, as a URL a separate process can open."""
    data = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{data['NAME']}"
    user = data["USER"] + (f":{data['PASSWORD']}" if data["PASSWORD"] else "")
    return f"postgres://{user}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/{data['NAME']}"


test_database_url.__test__ = False  # type: ignore[attr-defined]


def test_the_pipe_exits_75_when_the_database_is_unavailable(tmp_path: Path) -> None:
    done = run_pipe(mail(), tmp_path, "postgres://postgres@127.0.0.1:1/x")
    assert done.returncode == EX_TEMPFAIL, done.stderr.decode()
    assert not list((tmp_path / "media").rglob("*.eml"))  # nothing kept half-way either


def test_the_pipe_exits_0_for_an_accepted_and_a_refused_message(
    tmp_path: Path, anna: Any, agreement_a: Any, transactional_db: Any
) -> None:
    raw = mail(subject="Putkesta", attachments=[("loki.pdf", "application/pdf", PDF)])
    accepted = run_pipe(raw, tmp_path, test_database_url())
    assert accepted.returncode == 0, accepted.stderr.decode()
    refused = run_pipe(mail(sender="kalle@stranger.example"), tmp_path, test_database_url())
    assert refused.returncode == 0, refused.stderr.decode()
    ignored = run_pipe(mail(headers={"Auto-Submitted": "auto-replied"}), tmp_path, test_database_url())
    assert ignored.returncode == 0, ignored.stderr.decode()
    statuses = list(InboundMessage.objects.order_by("pk").values_list("status", "source"))
    assert statuses == [
        (InboundStatus.ACCEPTED, InboundSource.PIPE),
        (InboundStatus.REFUSED, InboundSource.PIPE),
        (InboundStatus.IGNORED, InboundSource.PIPE),
    ]
    ticket = Ticket.objects.get()
    assert ticket.subject == "Putkesta" and ticket.channel == "email"


def run_command(raw: bytes, monkeypatch: Any) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("mail_intake")


def test_the_command_takes_a_duplicate_quietly(anna: Any, agreement_a: Any, monkeypatch: Any) -> None:
    raw = mail(message_id="<pipe-twice@org-a.example>")
    run_command(raw, monkeypatch)
    run_command(raw, monkeypatch)
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_the_command_asks_for_a_retry_after_a_database_error(anna: Any, agreement_a: Any, monkeypatch: Any) -> None:
    fail_attachment_inserts()
    raw = mail(attachments=[("loki.pdf", "application/pdf", PDF)])
    with pytest.raises(CommandError) as failure:
        run_command(raw, monkeypatch)
    assert failure.value.returncode == EX_TEMPFAIL
    assert not InboundMessage.objects.exists() and not Ticket.objects.exists()
    drop_failure()
    run_command(raw, monkeypatch)  # the mail server's next try
    assert InboundMessage.objects.get().status == InboundStatus.ACCEPTED
