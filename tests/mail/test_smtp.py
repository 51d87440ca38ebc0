"""The whole way out: a notification through Django's SMTP backend to a real SMTP server, read back as bytes."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from django.conf import settings

from tests.conftest import speaks
from tests.mail.conftest import Collector
from tuki.mail.models import Notification
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_transition


def test_a_notification_arrives_with_headers_a_mail_client_can_read(
    request_a: Ticket, anna: Any, aaro: Any, agent: Any, smtp_server: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    speaks(anna, "sv")
    Ticket.objects.filter(pk=request_a.pk).update(subject="Inloggning misslyckas – åäö")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)

    assert sorted(envelope.rcpt_tos[0] for envelope in smtp_server.envelopes) == [
        "aaro@org-a.example",
        "anna@org-a.example",
    ]
    envelope = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["anna@org-a.example"])
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert not message.defects
    root = f"<tuki.sr-{request_a.pk}@127.0.0.1>"
    sent = Notification.objects.get(recipient=anna)
    assert message["Message-ID"] == sent.message_id
    assert message["In-Reply-To"] == root
    assert message["References"] == root
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Tuki-Loop"] == "127.0.0.1"
    assert message["Content-Language"] == "sv"
    assert message["Subject"] == f"[SR-{request_a.pk}] Inloggning misslyckas – åäö"
    assert parseaddr(str(message["Reply-To"]))[1] == settings.TUKI_SUPPORT_EMAIL
    assert parseaddr(str(message["To"]))[1] == "anna@org-a.example"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "Löst" in text.get_content()
    assert f"/portal/requests/SR-{request_a.pk}/" in html.get_content()
    assert sent.sent_at is not None
