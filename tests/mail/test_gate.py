"""The mail server's way in over HTTP: scripts/mailgate.py, piped a message, hands it to ``POST /mail/inbound``
of a running Tuki, and answers the mail server with the exit status of ``manage.py mail_intake``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.mail.failures import drop_failure, fail_attachment_inserts
from tests.mail.messages import PDF, mail
from tuki.mail.models import InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.usefixtures("mail_media")

GATE = Path(__file__).resolve().parents[2] / "scripts" / "mailgate.py"
TOKEN = "gate-token-for-the-tests-0123456789abcdef"


def pipe(url: str, raw: bytes, token: str = TOKEN, *options: str) -> subprocess.CompletedProcess[bytes]:
    """Run the gate as the mail server would: the message on standard input, only the given environment."""
    environment = {"PATH": os.environ["PATH"], "TUKI_MAIL_GATE_TOKEN": token}
    return subprocess.run(  # noqa: S603 - our own script
        # -I -S: no site packages, so the gate needs nothing beyond the standard library, as the docs promise.
        [sys.executable, "-I", "-S", str(GATE), "--url", f"{url}/mail/inbound", *options],
        input=raw,
        env=environment,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def gate_open(settings: Any) -> None:
    settings.TUKI_MAIL_GATE_TOKEN = TOKEN


@pytest.fixture
def failing_attachments(transactional_db: Any) -> Iterator[None]:
    fail_attachment_inserts()
    yield
    drop_failure()


def test_a_piped_message_files_a_request_once(live_server: Any, gate_open: None, anna: Any, agreement_a: Any) -> None:
    raw = mail(subject="Tulostin ei tulosta", attachments=[("loki.pdf", "application/pdf", PDF)])
    first = pipe(live_server.url, raw)
    assert first.returncode == 0, first.stderr
    assert b"taken" in first.stderr
    record = InboundMessage.objects.get()
    assert record.source == InboundSource.PIPE and record.status == InboundStatus.ACCEPTED
    ticket = Ticket.objects.get()
    assert ticket.subject == "Tulostin ei tulosta" and ticket.requester.user == anna
    assert Attachment.objects.get().ticket == ticket
    again = pipe(live_server.url, raw)  # the mail server delivering it twice: taken, not filed twice
    assert again.returncode == 0, again.stderr
    assert InboundMessage.objects.count() == 1 and Ticket.objects.count() == 1


@pytest.mark.parametrize("token", ["", "another-token-of-the-right-length-0123456789"])
def test_without_the_token_the_mail_server_keeps_the_message(
    live_server: Any, gate_open: None, anna: Any, agreement_a: Any, token: str
) -> None:
    answer = pipe(live_server.url, mail(), token)
    assert answer.returncode == 75
    assert not InboundMessage.objects.exists() and not Ticket.objects.exists()


def test_a_gate_left_off_takes_nothing(live_server: Any, settings: Any, anna: Any, agreement_a: Any) -> None:
    settings.TUKI_MAIL_GATE_TOKEN = ""
    answer = pipe(live_server.url, mail())
    assert answer.returncode == 75
    assert b"404" in answer.stderr and b"token" in answer.stderr
    assert not InboundMessage.objects.exists()


def test_tuki_away_leaves_the_message_with_the_mail_server() -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    answer = pipe(f"http://127.0.0.1:{port}", mail())
    assert answer.returncode == 75
    assert b"did not answer" in answer.stderr


def test_a_database_error_writes_nothing_and_the_mail_server_delivers_again(
    live_server: Any, gate_open: None, anna: Any, agreement_a: Any, failing_attachments: None
) -> None:
    raw = mail(attachments=[("loki.pdf", "application/pdf", PDF)])
    refused = pipe(live_server.url, raw)
    assert refused.returncode == 75 and b"503" in refused.stderr
    assert not InboundMessage.objects.exists() and not Ticket.objects.exists() and not TicketEvent.objects.exists()
    drop_failure()
    taken = pipe(live_server.url, raw)
    assert taken.returncode == 0, taken.stderr
    assert Ticket.objects.count() == 1 and Attachment.objects.count() == 1


def test_a_wrong_command_line_keeps_the_message() -> None:
    for arguments in (["--token-file"], ["--proxy", "x"]):
        answer = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, "-I", "-S", str(GATE), *arguments], input=mail(), capture_output=True, check=False
        )
        assert answer.returncode == 75
        assert b"usage: mailgate.py" in answer.stderr


def test_an_unreadable_token_file_keeps_the_message(tmp_path: Path) -> None:
    answer = pipe("http://127.0.0.1:9", mail(), "", "--token-file", str(tmp_path / "missing"))
    assert answer.returncode == 75
    assert b"cannot read" in answer.stderr


def test_a_token_file_of_several_lines_keeps_the_message(live_server: Any, gate_open: None, tmp_path: Path) -> None:
    (tmp_path / "token").write_text(f"{TOKEN}\nsomething else\n")
    answer = pipe(live_server.url, mail(), "", "--token-file", str(tmp_path / "token"))
    assert answer.returncode == 75
    assert b"one line" in answer.stderr


def test_the_gate_answers_only_a_post_with_the_token(client: Client, gate_open: None) -> None:
    assert client.post("/mail/inbound", data=mail(), content_type="message/rfc822").status_code == 404
    wrong = client.post("/mail/inbound", data=mail(), content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer not-it")
    assert wrong.status_code == 404
    assert client.get("/mail/inbound", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405
