"""A request of org A with a copy to aaro, and a real SMTP server for the tests that need one."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.mail.messages import TRUSTED_SERVER
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create


@pytest.fixture(autouse=True)
def _trusted_receiving_server(settings: Any) -> None:
    """The mail tests run as an installation behind a receiving server that checks DKIM and DMARC (the README's
    first set-up); tests of Tuki's own DKIM verification clear the setting."""
    settings.TUKI_MAIL_AUTHSERV_ID = TRUSTED_SERVER


@pytest.fixture
def request_a(anna: Any, aaro: Any, agreement_a: Any) -> Ticket:
    # Created outside any captured commit: the tests below see only the mail of what they do themselves.
    return ticket_create(actor=anna, requester=anna.contact, subject="Kirjautuminen ei toimi", cc=[aaro])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Collector:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Collector]:
    """A real SMTP server on a free localhost port, with Tuki's SMTP backend (the production one) pointed at it."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "tuki.mail.backends.SmtpBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def mail_media(settings: Any, tmp_path: Any) -> Any:
    """Stored mail and attachments under the test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def dovecot_server(tmp_path_factory: Any) -> Iterator[Any]:
    """A real Dovecot IMAP server on a free localhost port, with a throwaway Maildir (see tests/mail/dovecot.py)."""
    from tests.mail.dovecot import Dovecot

    with Dovecot(tmp_path_factory.mktemp("imap")) as server:
        yield server


@pytest.fixture
def dovecot(dovecot_server: Any) -> Any:
    """The IMAP server with an empty mailbox: INBOX emptied and every other folder removed."""
    dovecot_server.empty()
    return dovecot_server
