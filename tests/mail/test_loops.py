"""Mail from machines is recognised, so Tuki never answers it; people get a few automatic answers an hour."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from tuki.mail.loops import automatic_reason, may_auto_answer
from tuki.mail.parsing import parse_message
from tuki.mail.threading import mail_domain
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_reply


def received(*header_lines: str, content_type: str = "text/plain", sender: str = "anna@org-a.example") -> Any:
    headers = "\n".join((f"From: Anna Asiakas <{sender}>", "Subject: Hei", *header_lines))
    raw = f"{headers}\nContent-Type: {content_type}\n\nKirjautuminen ei toimi.\n"
    return parse_message(raw.encode())


def test_a_person_writing_is_not_automatic() -> None:
    assert automatic_reason(received("Auto-Submitted: no", "Return-Path: <anna@org-a.example>")) is None


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Auto-Submitted: auto-replied", "auto-submitted"),
        ("Auto-Submitted: auto-generated; owner-email=x@y.example", "auto-submitted"),
        ("Precedence: bulk", "precedence"),
        ("Precedence: list", "precedence"),
        ("Precedence: junk", "precedence"),
        ("Precedence: auto_reply", "autoreply"),
        ("X-Auto-Response-Suppress: All", "auto-response-suppress"),
        ("List-Id: <asiakkaat.org-a.example>", "list"),
        ("List-Unsubscribe: <mailto:leave@org-a.example>", "list"),
        ("List-Post: <mailto:list@org-a.example>", "list"),
        ("Return-Path: <>", "bounce"),
        ("X-Failed-Recipients: gone@org-a.example", "bounce"),
        ("X-Autoreply: yes", "autoreply"),
        ("X-Autorespond: Out of office", "autoreply"),
        ("X-Auto-Response: yes", "autoreply"),
        ("X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent", "autoreply"),
        ("X-Tuki-Loop: somebody-else.example", "loop"),
    ],
)
def test_automatic_headers(header: str, reason: str) -> None:
    assert automatic_reason(received(header)) == reason


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.org-a.example", "postmaster@org-a.example"])
def test_mail_from_the_mail_system_is_a_bounce(sender: str) -> None:
    assert automatic_reason(received(sender=sender)) == "bounce"


def test_delivery_reports_and_other_reports() -> None:
    bounce = received(content_type='multipart/report; report-type="delivery-status"; boundary=x')
    assert automatic_reason(bounce) == "bounce"
    receipt = received(content_type="multipart/report; report-type=disposition-notification; boundary=x")
    assert automatic_reason(receipt) == "report"


def test_our_own_message_id_is_own_mail() -> None:
    own = received(f"Message-ID: <tuki.sr-1042.e-7.0123456789abcdef0123@{mail_domain()}>")
    assert automatic_reason(own) == "own-mail"
    lookalike = received("Message-ID: <tuki.sr-1042.e-7.0123456789abcdef0123@elsewhere.example>")
    assert automatic_reason(lookalike) is None


def test_our_own_notification_comes_back_as_own_mail(
    request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=request_a, body="Tarkistan asian.")
    sent = mail.outbox[0].message()
    assert automatic_reason(parse_message(sent.as_bytes())) == "own-mail"
    del sent["X-Tuki-Loop"]  # a relay that drops unknown headers: the Message-ID still tells
    assert automatic_reason(parse_message(sent.as_bytes())) == "own-mail"


def test_a_customer_reply_to_our_notification_is_not_automatic(
    request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=request_a, body="Tarkistan asian.")
    ours = mail.outbox[0].message()
    reply = received(f"In-Reply-To: {ours['Message-ID']}", f"References: {ours['References']} {ours['Message-ID']}")
    assert automatic_reason(reply) is None


def test_automatic_answers_are_limited_per_sender() -> None:
    assert [may_auto_answer("Anna@Org-A.example") for _ in range(4)] == [True, True, True, False]
    assert may_auto_answer("bertil@org-b.example")
    assert may_auto_answer("aaro@org-a.example", limit=1)
    assert not may_auto_answer("aaro@org-a.example", limit=1)
    assert not may_auto_answer("  ")


def test_the_limit_ends_with_its_window(time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:00+02:00", tick=False)
    for _ in range(3):
        assert may_auto_answer("anna@org-a.example", window_seconds=60)
    assert not may_auto_answer("anna@org-a.example", window_seconds=60)
    time_machine.shift(61)
    assert may_auto_answer("anna@org-a.example", window_seconds=60)
