"""The mail intake's rules, through the code path the pipe command runs: who may write, threading, files."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail as outbox

from tests.conftest import TARGETS
from tests.mail.messages import EXE, PDF, PNG, mail, trusted_results
from tuki.accounts.services import contact_create
from tuki.agreements.models import ContactVisibility
from tuki.agreements.services import agreement_save
from tuki.mail.intake.entry import intake
from tuki.mail.models import AnswerState, InboundMessage, InboundSource, InboundStatus
from tuki.mail.notifications import build_message
from tuki.mail.threading import event_message_id, thread_message_id
from tuki.tickets.models import Channel, EventKind, State, Ticket, TicketEvent
from tuki.tickets.services import ticket_create, ticket_reply, ticket_transition

pytestmark = pytest.mark.usefixtures("mail_media")


def take(raw: bytes) -> InboundMessage:
    result = intake(raw, source=InboundSource.PIPE)
    return InboundMessage.objects.get(pk=result.inbound_id)


# ------------------------------------------------------------------------------------------------- new requests


def test_a_named_contact_files_a_request_by_mail(anna: Any, agreement_a: Any) -> None:
    raw = mail(
        subject="Tulostin ei tulosta",
        text="Hei,\n\ntulostin ei tulosta mitään.\n\nAnna",
        html="<p>Hei, <b>tulostin</b> ei tulosta.</p><img src='cid:kuva.png'>",
        inline=[("kuva.png", "image/png", PNG)],
        attachments=[("loki.pdf", "application/pdf", PDF)],
    )
    record = take(raw)
    assert record.status == InboundStatus.ACCEPTED
    ticket = record.ticket
    assert ticket is not None
    assert ticket.requester == anna.contact and ticket.organisation_id == anna.contact.organisation_id
    assert ticket.channel == Channel.EMAIL
    assert ticket.subject == "Tulostin ei tulosta"
    assert "tulostin ei tulosta mitään" in ticket.description  # the plain text, preferred to the HTML
    assert "<b>" not in ticket.description
    assert sorted(ticket.attachments.values_list("name", "content_type")) == [
        ("kuva.png", "image/png"),
        ("loki.pdf", "application/pdf"),
    ]
    created = ticket.events.get()
    assert created.kind == EventKind.CREATED and created.actor == anna and record.event is None
    assert record.sender == "anna@org-a.example" and record.source == InboundSource.PIPE
    assert record.raw.read() == raw  # kept whole
    assert record.size == len(raw) and record.answer == AnswerState.NONE


def test_the_sender_is_matched_case_insensitively(anna: Any, agreement_a: Any) -> None:
    record = take(mail(sender="Anna Asiakas <ANNA@Org-A.Example>"))
    assert record.status == InboundStatus.ACCEPTED
    assert record.ticket is not None and record.ticket.requester == anna.contact


def test_html_only_mail_becomes_sanitised_text(anna: Any, agreement_a: Any) -> None:
    record = take(mail(text=None, html="<p>Palvelin <script>alert(1)</script>kaatui</p>"))
    assert record.ticket is not None
    assert "Palvelin" in record.ticket.description and "kaatui" in record.ticket.description
    assert "<script" not in record.ticket.description and "alert" not in record.ticket.description


def test_a_refused_attachment_does_not_lose_the_mail(anna: Any, agreement_a: Any) -> None:
    raw = mail(
        attachments=[("ohjelma.exe", "application/octet-stream", EXE), ("loki.pdf", "application/pdf", PDF)],
    )
    record = take(raw)
    assert record.status == InboundStatus.ACCEPTED
    ticket = record.ticket
    assert ticket is not None
    assert list(ticket.attachments.values_list("name", flat=True)) == ["loki.pdf"]
    assert "ohjelma.exe" in ticket.description  # the skipped file is named for the agents
    assert record.raw.read() == raw  # and the original still has it


def test_an_attachment_over_the_size_limit_is_skipped_and_named(anna: Any, agreement_a: Any, settings: Any) -> None:
    settings.TUKI_ATTACHMENT_MAX_BYTES = 1000
    record = take(mail(attachments=[("iso.pdf", "application/pdf", PDF + b"0" * 2000)]))
    assert record.status == InboundStatus.ACCEPTED and record.ticket is not None
    assert not record.ticket.attachments.exists()
    assert "iso.pdf" in record.ticket.description


def test_reply_prefixes_and_foreign_identifiers_leave_the_subject(anna: Any, agreement_a: Any) -> None:
    record = take(mail(subject="VS: Re: [SR-99999] Palvelin kaatui"))
    assert record.ticket is not None and record.ticket.subject == "Palvelin kaatui"


def test_mail_without_subject_or_text(anna: Any, agreement_a: Any) -> None:
    record = take(mail(subject="", text=None, attachments=[("loki.pdf", "application/pdf", PDF)]))
    assert record.status == InboundStatus.ACCEPTED and record.ticket is not None
    assert record.ticket.subject and record.ticket.attachments.count() == 1


# ---------------------------------------------------------------------------------------------------- threading


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    return ticket_create(actor=anna, requester=anna.contact, subject="Kirjautuminen ei toimi")


def test_the_identifier_in_the_subject_adds_a_public_reply(anna: Any, request_a: Ticket) -> None:
    record = take(mail(subject=f"Re: [SR-{request_a.pk}] Kirjautuminen ei toimi", text="Nyt toimii.\n\n> vanha viesti"))
    assert record.status == InboundStatus.REPLIED
    assert record.ticket == request_a
    reply = record.event
    assert reply is not None and reply.kind == EventKind.REPLY and reply.public and reply.actor == anna
    assert reply.body == "Nyt toimii."  # the new text, without the quoted history
    assert Ticket.objects.count() == 1


def test_in_reply_to_a_notification_adds_a_reply(
    anna: Any, agent: Any, request_a: Ticket, django_capture_on_commit_callbacks: Any
) -> None:
    staff_reply = ticket_reply(actor=agent, ticket=request_a, body="Kokeile uudestaan.")
    notification_id = event_message_id(staff_reply, anna)
    raw = mail(
        subject="Vastaus",  # no identifier in the subject: the headers are enough
        in_reply_to=notification_id,
        references=f"<other@elsewhere.example> {thread_message_id(request_a)} {notification_id}",
        attachments=[("kuva.png", "image/png", PNG)],
    )
    record = take(raw)
    assert record.status == InboundStatus.REPLIED and record.ticket == request_a
    assert record.event is not None and record.event.attachments.get().name == "kuva.png"


def test_a_reply_answers_the_request_named_in_a_real_notification(anna: Any, agent: Any, request_a: Ticket) -> None:
    staff_reply = ticket_reply(actor=agent, ticket=request_a, body="Kokeile uudestaan.")
    notification = build_message(staff_reply, anna, event_message_id(staff_reply, anna)).message()
    raw = mail(
        subject="Re: " + str(notification["Subject"]),
        in_reply_to=str(notification["Message-ID"]),
        references=str(notification["References"]) + " " + str(notification["Message-ID"]),
        text="Kiitos, nyt toimii.",
    )
    record = take(raw)
    assert record.status == InboundStatus.REPLIED and record.ticket == request_a


def test_a_contact_of_another_customer_cannot_reply_to_org_a_request(
    anna: Any, bertil: Any, request_a: Ticket, agreement_b: Any
) -> None:
    events_before = list(TicketEvent.objects.filter(ticket=request_a).values_list("pk", flat=True))
    raw = mail(
        sender="bertil@org-b.example",
        subject=f"Re: [SR-{request_a.pk}] Kirjautuminen ei toimi",
        in_reply_to=thread_message_id(request_a),
        text="Minäkin haluan tietää.",
    )
    record = take(raw)
    assert record.status == InboundStatus.ACCEPTED
    new = record.ticket
    assert new is not None and new.pk != request_a.pk
    assert new.organisation == bertil.contact.organisation and new.requester == bertil.contact
    assert f"SR-{request_a.pk}" not in new.subject and f"SR-{request_a.pk}" not in new.description
    assert list(TicketEvent.objects.filter(ticket=request_a).values_list("pk", flat=True)) == events_before


def test_a_contact_of_a_customer_without_agreement_quoting_org_a_is_refused(
    anna: Any, bertil: Any, request_a: Ticket, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    raw = mail(sender="bertil@org-b.example", subject=f"Re: [SR-{request_a.pk}] Kirjautuminen", text="Hei")
    with django_capture_on_commit_callbacks(execute=True):
        record = take(raw)
    assert record.status == InboundStatus.REFUSED and record.ticket is None
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(ticket=request_a).count() == 1
    assert len(smtp_server.envelopes) == 1


def test_a_reply_to_a_closed_request_opens_a_new_one(anna: Any, agent: Any, request_a: Ticket) -> None:
    ticket_transition(actor=agent, ticket=request_a, to=State.CANCELLED)
    record = take(mail(subject=f"Re: [SR-{request_a.pk}] Kirjautuminen ei toimi", text="Taas rikki."))
    assert record.status == InboundStatus.ACCEPTED
    new = record.ticket
    assert new is not None and new.pk != request_a.pk
    assert f"SR-{request_a.pk}" in new.description and "Taas rikki." in new.description
    assert new.subject == "Kirjautuminen ei toimi"
    assert not TicketEvent.objects.filter(ticket=request_a, kind=EventKind.REPLY).exists()


def test_a_reply_to_a_resolved_request_is_a_reply(anna: Any, agent: Any, request_a: Ticket) -> None:
    ticket_transition(actor=agent, ticket=request_a, to=State.IN_PROGRESS)
    ticket_transition(actor=agent, ticket=request_a, to=State.RESOLVED)
    record = take(mail(subject=f"Re: [SR-{request_a.pk}]", text="Kiitos!"))
    assert record.status == InboundStatus.REPLIED and record.ticket == request_a


def test_a_reply_from_another_contact_of_the_same_customer(aaro: Any, request_a: Ticket) -> None:
    record = take(mail(sender="aaro@org-a.example", subject=f"[SR-{request_a.pk}] lisätietoa", text="Minulla myös."))
    assert record.status == InboundStatus.REPLIED and record.event is not None
    assert record.event.actor == aaro.user


def test_a_colleague_who_may_not_see_the_request_files_a_new_one(
    aaro: Any, manager: Any, agreement_a: Any, request_a: Ticket
) -> None:
    """Where the agreement shows contacts only their own requests, a colleague's mail naming another's is not let in."""
    agreement_save(
        actor=manager,
        agreement=agreement_a,
        organisation=agreement_a.organisation,
        service_calendar=agreement_a.service_calendar,
        targets=TARGETS,
        valid_from=agreement_a.valid_from,
        contact_visibility=ContactVisibility.OWN,
    )
    events_before = request_a.events.count()
    record = take(mail(sender="aaro@org-a.example", subject=f"[SR-{request_a.pk}] lisätietoa", text="Minulla myös."))
    assert record.status == InboundStatus.ACCEPTED
    assert record.ticket is not None and record.ticket.pk != request_a.pk and record.ticket.requester == aaro
    assert request_a.events.count() == events_before


# ------------------------------------------------------------------------------------------------ who may write


def test_a_stranger_gets_one_polite_answer_and_nothing_is_created(
    anna: Any, agreement_a: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    raw = mail(sender="Kalle Käyttäjä <kalle@org-a.example>", subject="Apua", message_id="<kalle-1@org-a.example>")
    with django_capture_on_commit_callbacks(execute=True):
        record = take(raw)
    assert record.status == InboundStatus.REFUSED and record.ticket is None
    assert not Ticket.objects.exists()
    record.refresh_from_db()
    assert record.answer == AnswerState.SENT and record.answered_at is not None
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["kalle@org-a.example"]
    answer = envelope.content.decode()
    assert "Auto-Submitted: auto-replied" in answer
    assert "X-Tuki-Loop: 127.0.0.1" in answer
    assert "X-Auto-Response-Suppress: All" in answer
    assert "In-Reply-To: <kalle-1@org-a.example>" in answer
    from email import message_from_bytes, policy

    body = message_from_bytes(envelope.content, policy=policy.default).get_content()
    assert "oman organisaatiosi tukipalveluun" in body  # Finnish
    assert "your own organisation's support desk" in body  # and English


def test_answers_to_one_sender_are_limited_per_hour(
    anna: Any, agreement_a: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    records = []
    for number in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            records.append(take(mail(sender="kalle@stranger.example", subject=f"Apua {number}")))
    states = [InboundMessage.objects.get(pk=record.pk).answer for record in records]
    assert states == [AnswerState.SENT] * 3 + [AnswerState.LIMITED] * 2
    assert len(smtp_server.envelopes) == 3
    assert all(InboundMessage.objects.get(pk=r.pk).status == InboundStatus.REFUSED for r in records)


def test_one_answer_then_rate_limited_when_the_limit_is_one(
    smtp_server: Any, settings: Any, django_capture_on_commit_callbacks: Any, db: Any
) -> None:
    settings.TUKI_MAIL_ANSWERS_PER_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        first = take(mail(sender="kalle@stranger.example", subject="Apua"))
        second = take(mail(sender="kalle@stranger.example", subject="Apua taas"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.answer, second.answer) == (AnswerState.SENT, AnswerState.LIMITED)
    assert len(smtp_server.envelopes) == 1


def test_a_contact_of_a_customer_without_agreement_is_refused(
    bertil: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record = take(mail(sender="bertil@org-b.example"))
    assert record.status == InboundStatus.REFUSED and "agreement" in record.reason
    assert not Ticket.objects.exists()
    assert len(outbox.outbox) == 1


def test_a_deactivated_contact_is_refused(anna: Any, agreement_a: Any, org_a: Any) -> None:
    from django.utils import timezone

    gone = contact_create(organisation=org_a, email="gone@org-a.example", full_name="Gone")
    gone.deactivated_at = timezone.now()
    gone.save()
    record = take(mail(sender="gone@org-a.example"))
    assert record.status == InboundStatus.REFUSED and not Ticket.objects.exists()


def test_staff_mail_is_not_a_request(agent: Any, agreement_a: Any) -> None:
    record = take(mail(sender="agent@supplier.example"))
    assert record.status == InboundStatus.REFUSED and not Ticket.objects.exists()


# ---------------------------------------------------------------------------------------------------- no loops


AUTO_REPLY_HEADERS = [
    {"Auto-Submitted": "auto-replied"},
    {"X-Autoreply": "yes"},
    {"Precedence": "bulk"},
    {"List-Id": "<lista.example.com>"},
    {"X-Auto-Response-Suppress": "All"},
]


@pytest.mark.parametrize("headers", AUTO_REPLY_HEADERS)
def test_an_auto_reply_is_stored_ignored_and_never_answered(
    headers: dict[str, str], anna: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for sender in ("anna@org-a.example", "robot@stranger.example"):
        with django_capture_on_commit_callbacks(execute=True):
            record = take(mail(sender=sender, subject="Poissa: Tulostin", headers=headers))
        assert record.status == InboundStatus.IGNORED and record.reason
        assert record.answer == AnswerState.NONE
    assert not Ticket.objects.exists()
    assert outbox.outbox == []


def test_a_bounce_is_ignored(anna: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any) -> None:
    bounce = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n"
        b"To: tuki@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-1@mx.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
        b"Final-Recipient: rfc822; nobody@org-a.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--b--\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        record = take(bounce)
    assert record.status == InboundStatus.IGNORED and record.reason == "bounce"
    assert not Ticket.objects.exists() and outbox.outbox == []


def test_our_own_automatic_answer_coming_back_is_ignored(
    smtp_server: Any, settings: Any, django_capture_on_commit_callbacks: Any, db: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        take(mail(sender="kalle@stranger.example"))
    [envelope] = smtp_server.envelopes
    with django_capture_on_commit_callbacks(execute=True):
        echoed = take(envelope.content)  # a stranger's mailbox forwarding it back to us
    assert echoed.status == InboundStatus.IGNORED
    assert len(smtp_server.envelopes) == 1


def test_tukis_own_notification_is_ignored(anna: Any, agent: Any, request_a: Ticket) -> None:
    staff_reply = ticket_reply(actor=agent, ticket=request_a, body="Hei")
    raw = build_message(staff_reply, anna, event_message_id(staff_reply, anna)).message().as_bytes()
    record = take(raw)
    assert record.status == InboundStatus.IGNORED and record.reason == "own-mail"
    assert TicketEvent.objects.filter(ticket=request_a, kind=EventKind.REPLY).count() == 1


def test_mail_from_the_support_address_itself_is_ignored(db: Any, settings: Any) -> None:
    record = take(mail(sender=settings.TUKI_SUPPORT_EMAIL))
    assert record.status == InboundStatus.IGNORED and record.answer == AnswerState.NONE


# ------------------------------------------------------------------------------------------------- exactly once


def test_the_same_message_delivered_twice_is_taken_once(
    anna: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    raw = mail(message_id="<twice@org-a.example>")
    first = intake(raw, source=InboundSource.PIPE)
    # The IMAP copy of the same mail carries other delivery headers, but the same Message-ID.
    second = intake(b"Delivered-To: tuki@example.com\r\n" + raw, source=InboundSource.IMAP)
    assert not first.duplicate and second.duplicate and second.inbound_id == first.inbound_id
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_mail_without_message_id_is_recognised_by_its_fingerprint(anna: Any, agreement_a: Any) -> None:
    raw = mail(message_id=None)
    assert b"Message-ID" not in raw
    first = intake(raw, source=InboundSource.PIPE)
    second = intake(raw.replace(b"\n", b"\r\n") if b"\r\n" not in raw else raw, source=InboundSource.PIPE)
    assert second.duplicate and second.inbound_id == first.inbound_id
    assert Ticket.objects.count() == 1
    record = InboundMessage.objects.get()
    assert record.key.startswith("fp:") and record.fingerprint and record.message_id == ""


def test_a_stranger_delivered_twice_is_answered_once(
    smtp_server: Any, django_capture_on_commit_callbacks: Any, db: Any
) -> None:
    raw = mail(sender="kalle@stranger.example", message_id="<kalle-twice@stranger.example>")
    with django_capture_on_commit_callbacks(execute=True):
        take(raw)
        take(raw)
    assert len(smtp_server.envelopes) == 1 and InboundMessage.objects.count() == 1


# ---------------------------------------------------------------------------------------------------- bad mail


# As the trusted receiving server writes it on top of every message (see tests/mail/messages.py).
TRUSTED = f"Authentication-Results: {trusted_results('anna@org-a.example')}\r\n".encode()
MALFORMED = [
    # a boundary that never comes
    TRUSTED + b"From: anna@org-a.example\r\nSubject: rikki\r\nMessage-ID: <m1@x>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\nHei, tulostin on rikki.\r\n',
    # broken base64 and an unknown charset
    TRUSTED
    + b"From: anna@org-a.example\r\nSubject: =?x-unknown?B?////?=\r\nMessage-ID: <m2@x>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64***\r\n",
    # 8-bit bytes in the headers and the body, no MIME at all
    TRUSTED
    + b"From: =?utf-8?q?Anna?= <anna@org-a.example>\r\nSubject: \xe4\xe4kk\xf6set \xff\r\nMessage-ID: <m3@x>\r\n\r\n"
    b"Tulostin \xe4\xe4nt\xe4\xe4 \xff\xfe oudosti.\r\n",
    # a header without a colon, bare LF line ends, and a NUL byte
    TRUSTED.replace(b"\r\n", b"\n")
    + b"From: anna@org-a.example\nSubject: nul\nthis is not a header\nMessage-ID: <m4@x>\n\nteksti\x00 loppuu\n",
]


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_mime_is_taken_not_dropped(raw: bytes, anna: Any, agreement_a: Any) -> None:
    record = take(raw)
    assert record.status in (InboundStatus.ACCEPTED, InboundStatus.QUARANTINED)
    assert record.raw.read() == raw
    if record.status == InboundStatus.ACCEPTED:
        assert record.ticket is not None and record.ticket.requester == anna.contact


def test_garbage_without_a_sender_is_refused_without_answer(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    raw = b"\x00\xff garbage \r\n\r\n\xfe\xfa"
    with django_capture_on_commit_callbacks(execute=True):
        record = take(raw)
    assert record.status == InboundStatus.REFUSED and record.answer == AnswerState.SUPPRESSED
    assert outbox.outbox == []
    assert record.raw.read() == raw


def test_a_new_agreement_counts_at_once(bertil: Any, manager: Any, office_hours: Any) -> None:
    from datetime import date

    from tests.conftest import TARGETS
    from tuki.agreements.services import agreement_save

    assert take(mail(sender="bertil@org-b.example", subject="Ennen")).status == InboundStatus.REFUSED
    agreement_save(
        actor=manager,
        organisation=bertil.contact.organisation,
        service_calendar=office_hours,
        targets=TARGETS,
        valid_from=date(2025, 1, 1),
    )
    assert take(mail(sender="bertil@org-b.example", subject="Jälkeen")).status == InboundStatus.ACCEPTED


def test_a_reply_to_a_merged_request_goes_to_the_one_it_was_merged_into(
    anna: Any, agent: Any, request_a: Ticket
) -> None:
    from tuki.tickets.services import ticket_merge

    duplicate = ticket_create(actor=anna, requester=anna.contact, subject="Sama uudestaan")
    ticket_merge(actor=agent, duplicate=duplicate, into=request_a)
    record = take(mail(subject=f"Re: [SR-{duplicate.pk}] Sama uudestaan", text="Lisätieto."))
    assert record.status == InboundStatus.REPLIED and record.ticket == request_a
