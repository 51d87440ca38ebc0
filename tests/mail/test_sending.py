"""How a notification mail is made and sent: headers, threading, HTML, and exactly one mail per person."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from tests.mail.conftest import free_port
from tuki.mail.models import Notification
from tuki.mail.notifications import ClaimStillHeld, send_event_notifications
from tuki.mail.threading import event_message_id, thread_message_id
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_reply, ticket_transition


def test_headers_thread_every_mail_of_a_request_together(
    request_a: Ticket, anna: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(actor=agent, ticket=request_a, body="Tarkistan asian.")
        ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    assert len(mail.outbox) == 4
    root = f"<tuki.sr-{request_a.pk}@127.0.0.1>"
    assert thread_message_id(request_a) == root
    message_ids = set()
    for message in mail.outbox:
        headers = message.message()
        assert headers["Subject"] == f"[SR-{request_a.pk}] Kirjautuminen ei toimi"
        assert headers["In-Reply-To"] == root
        assert headers["References"] == root
        assert headers["Auto-Submitted"] == "auto-generated"
        assert headers["X-Tuki-Loop"] == "127.0.0.1"
        assert headers["Reply-To"] == settings.TUKI_SUPPORT_EMAIL
        assert len(headers.get_all("Message-ID")) == 1
        assert headers["Message-ID"].startswith(f"<tuki.sr-{request_a.pk}.e-")
        assert headers["Message-ID"].endswith("@127.0.0.1>")
        message_ids.add(headers["Message-ID"])
    assert len(message_ids) == 4  # one per mail, not per event
    to_anna = next(m for m in mail.outbox if m.to == ["anna@org-a.example"])
    assert to_anna.extra_headers["Message-ID"] == event_message_id(reply, anna)
    assert Notification.objects.get(event=reply, recipient=anna).message_id == event_message_id(reply, anna)


def test_sending_again_sends_nothing(request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(actor=agent, ticket=request_a, body="Korjattu.")
    assert len(mail.outbox) == 2
    assert send_event_notifications(reply.pk) == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(event=reply, sent_at__isnull=False).count() == 2


def test_a_failed_send_is_tried_again_by_the_retry(
    request_a: Ticket, agent: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        reply = ticket_reply(actor=agent, ticket=request_a, body="Korjattu.")
    assert callbacks
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "tuki.mail.backends.SmtpBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens there
    with pytest.raises(OSError):
        send_event_notifications(reply.pk)
    assert not Notification.objects.filter(event=reply).exists()  # the claims were released
    settings.EMAIL_BACKEND = backend
    assert send_event_notifications(reply.pk) == 2
    assert len(mail.outbox) == 2


def test_the_html_part_shows_markdown_without_anything_dangerous(
    request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = "**Tärkeää**\n\n[klikkaa](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)>"
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=request_a, body=body)
    html, mimetype = mail.outbox[0].alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Tärkeää</strong>" in html
    assert "javascript:" not in html and "<script" not in html and "onerror" not in html
    assert "**Tärkeää**" in mail.outbox[0].body  # the plain text keeps what was written


def test_a_subject_with_a_line_break_stays_on_one_line(
    request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Ticket.objects.filter(pk=request_a.pk).update(subject="Rivi\nBcc: kaikki@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=request_a, body="Hei")
    assert mail.outbox[0].message()["Subject"] == f"[SR-{request_a.pk}] Rivi Bcc: kaikki@example.com"
    assert mail.outbox[0].bcc == []


def test_a_claim_left_unsent_is_sent_at_once_by_its_own_job_not_by_another_within_the_lease(
    request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A claim whose sending was cut short (the consumer killed, the database gone before the claim was released):
    the same job run again sends at once; another job leaves it within the lease, as the first may be sending."""
    with django_capture_on_commit_callbacks() as callbacks:
        reply = ticket_reply(actor=agent, ticket=request_a, body="Korjattu.")
    assert callbacks
    anna = request_a.requester.user
    Notification.objects.create(
        event=reply, recipient=anna, message_id=event_message_id(reply, anna), claimed_by="job-1"
    )
    with pytest.raises(ClaimStillHeld):
        send_event_notifications(reply.pk, job="job-2")
    assert mail.outbox and all(m.to != ["anna@org-a.example"] for m in mail.outbox)  # the others' mails went
    mail.outbox.clear()
    assert send_event_notifications(reply.pk, job="job-1") == 1
    assert [m.to for m in mail.outbox] == [["anna@org-a.example"]]
    assert Notification.objects.get(event=reply, recipient=anna).sent_at is not None
