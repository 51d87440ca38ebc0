"""The periodic SLA sweep: warnings at 75 %, breaches at 100 %, each claimed exactly once."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tests.workers import run_in_workers
from tuki.mail.sla_notices import send_digests, send_notice
from tuki.sla.models import SlaNotice
from tuki.sla.tasks import sla_sweep
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create, ticket_reply

HKI = ZoneInfo("Europe/Helsinki")


def hki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HKI)  # type: ignore[misc]


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    # Tuesday 7 Dec 2027 08:00, high priority: response 1 h (warn 08:45), resolution 8 h (warn 14:00).
    return ticket_create(actor=anna, requester=anna.contact, subject="Login fails", priority=2, now=hki(2027, 12, 7, 8))


def _kinds() -> list[str]:
    return sorted(SlaNotice.objects.values_list("kind", flat=True))


def test_nothing_before_75_percent(request_a: Ticket, agent: Any, manager: Any) -> None:
    assert sla_sweep(hki(2027, 12, 7, 8, 44)) == 0
    assert not SlaNotice.objects.exists()


def test_warning_then_breach_goes_to_staff_on_duty(
    request_a: Ticket, agent: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep(hki(2027, 12, 7, 8, 45)) == 1
    assert _kinds() == ["first_response_warning", "first_response_warning"]
    assert sorted(m.to[0] for m in mail.outbox) == ["agent@supplier.example", "manager@supplier.example"]
    message = mail.outbox[0]
    assert message.subject.startswith(f"[{request_a.identifier}]")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"/desk/requests/{request_a.identifier}/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep(hki(2027, 12, 7, 9)) == 1  # the response breach; the warning is not sent again
    assert _kinds().count("first_response_breach") == 2
    assert len(mail.outbox) == 4


def test_assignee_alone_hears_and_off_duty_staff_do_not(request_a: Ticket, agent: Any, manager: Any) -> None:
    Ticket.objects.filter(pk=request_a.pk).update(assignee=agent)
    sla_sweep(hki(2027, 12, 7, 8, 50))
    assert set(SlaNotice.objects.values_list("recipient__email", flat=True)) == {"agent@supplier.example"}
    Ticket.objects.filter(pk=request_a.pk).update(assignee=None)
    manager.on_duty = False
    manager.save()
    sla_sweep(hki(2027, 12, 7, 14))  # the resolution warning
    recipients = SlaNotice.objects.filter(kind="resolution_warning").values_list("recipient__email", flat=True)
    assert list(recipients) == ["agent@supplier.example"]


def test_a_response_makes_the_response_warning_moot(request_a: Ticket, agent: Any) -> None:
    ticket_reply(actor=agent, ticket=request_a, body="On it.", now=hki(2027, 12, 7, 8, 30))
    sla_sweep(hki(2027, 12, 7, 9, 30))
    assert not SlaNotice.objects.filter(kind__startswith="first_response").exists()


def test_digest_readers_get_one_mail(request_a: Ticket, agent: Any, django_capture_on_commit_callbacks: Any) -> None:
    agent.sla_digest = True
    agent.save()
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(hki(2027, 12, 7, 16, 30))  # all four notices at once
    assert [m for m in mail.outbox if m.to == [agent.email]] == []
    mail.outbox.clear()
    assert send_digests(hki(2027, 12, 7, 17)) == 1
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert mail.outbox[0].body.count(f"/desk/requests/{request_a.identifier}/") == 4
    assert send_digests(hki(2027, 12, 7, 18)) == 0


def _unreachable_mail_server(settings: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "tuki.mail.backends.SmtpBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5


def test_a_digest_that_fails_to_go_out_keeps_its_notices(
    request_a: Ticket, agent: Any, manager: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for person in (agent, manager):
        person.sla_digest = True
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(hki(2027, 12, 7, 9))
    _unreachable_mail_server(settings)
    assert send_digests(hki(2027, 12, 7, 10)) == 0
    assert SlaNotice.objects.filter(sent_at__isnull=True).count() == 4  # two notices each, none lost

    settings.EMAIL_BACKEND = "tuki.mail.backends.LocmemBackend"
    assert send_digests(hki(2027, 12, 7, 11)) == 2
    assert not SlaNotice.objects.filter(sent_at__isnull=True).exists()


def test_a_notice_that_fails_to_go_out_is_not_marked_sent(
    request_a: Ticket, agent: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Ticket.objects.filter(pk=request_a.pk).update(assignee=agent)
    _unreachable_mail_server(settings)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep(hki(2027, 12, 7, 8, 50)) == 1
    [notice] = SlaNotice.objects.all()
    assert notice.sent_at is None  # the job's retry will mail it

    settings.EMAIL_BACKEND = "tuki.mail.backends.LocmemBackend"
    send_notice(notice.pk)
    notice.refresh_from_db()
    assert notice.sent_at is not None and [m.to for m in mail.outbox] == [[agent.email]]


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_notify_twice(anna: Any, agreement_a: Any, agent: Any) -> None:
    tickets = [
        ticket_create(actor=anna, requester=anna.contact, subject=f"Fault {n}", priority=2, now=hki(2027, 12, 7, 8))
        for n in range(20)
    ]
    counts, failures = run_in_workers(lambda: sla_sweep(hki(2027, 12, 7, 17)))
    assert not failures
    assert sum(counts) == 4 * len(tickets)
    assert SlaNotice.objects.filter(recipient=agent).count() == 4 * len(tickets)


def test_agent_chooses_the_digest_on_the_desk(client: Any, agent: Any) -> None:
    client.force_login(agent)
    response = client.post("/desk/preferences/", {"language": "fi", "on_duty": "on", "sla_digest": "on"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.sla_digest and agent.on_duty
    client.post("/desk/preferences/", {"language": "sv"})
    agent.refresh_from_db()
    assert not agent.sla_digest and not agent.on_duty and agent.language == "sv"
