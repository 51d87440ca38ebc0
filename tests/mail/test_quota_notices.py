"""The 80 % and 100 % warnings of a quota period: to the customer managers and the account manager, each exactly
once per period, through a real SMTP server."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tests.conftest import speaks
from tests.workers import run_in_workers
from tuki.accounts.models import Organisation
from tuki.tickets.services import ticket_create
from tuki.timesheets.models import QuotaNotice, QuotaWarning
from tuki.timesheets.services import time_entry_correct, time_entry_log

NOW = datetime(2027, 3, 17, 12, tzinfo=ZoneInfo("Europe/Helsinki"))
DAY = date(2027, 3, 17)


@pytest.fixture
def quota_request(anna: Any, aaro: Any, agent: Any, agreement_a: Any) -> Any:
    Organisation.objects.filter(pk=anna.contact.organisation_id).update(account_manager=agent)
    return ticket_create(actor=anna, requester=anna.contact, subject="Raportointi", now=NOW)


def _log(agent: Any, ticket: Any, minutes: int, kind: str = "maintenance") -> Any:
    return time_entry_log(actor=agent, ticket=ticket, day=DAY, minutes=minutes, kind=kind, now=NOW)


@pytest.mark.django_db
def test_warnings_at_80_and_100_percent_each_once(
    quota_request: Any, agent: Any, anna: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _log(agent, quota_request, 900)  # 75 % of 20 h
        _log(agent, quota_request, 300, kind="help_desk")  # the fee covers it: still 75 %
    assert smtp_server.envelopes == []
    with django_capture_on_commit_callbacks(execute=True):
        entry = _log(agent, quota_request, 60)  # 80 %
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == ["agent@supplier.example", "anna@org-a.example"]
    to_anna = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["anna@org-a.example"])
    text = to_anna.content.decode()
    assert "80 %" in text and "/portal/quota/?period=2027-03-01" in text and "Org A Oy" in text
    to_agent = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["agent@supplier.example"])
    assert "/desk/quota/?period=2027-03-01" in to_agent.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        time_entry_correct(actor=agent, entry=entry, reason="Väärä", now=NOW)  # back under 80 %
        _log(agent, quota_request, 60)  # over 80 % again: no second warning
    assert len(smtp_server.envelopes) == 2
    with django_capture_on_commit_callbacks(execute=True):
        _log(agent, quota_request, 300)  # 105 %
        _log(agent, quota_request, 30)
    assert len(smtp_server.envelopes) == 4
    assert sorted(QuotaWarning.objects.values_list("level", flat=True)) == [80, 100]
    assert not QuotaNotice.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_warning_is_in_the_readers_language(
    quota_request: Any, agent: Any, anna: Any, django_capture_on_commit_callbacks: Any
) -> None:
    speaks(anna, "sv")
    with django_capture_on_commit_callbacks(execute=True):
        _log(agent, quota_request, 1200)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "underhållskvoten" in subjects["anna@org-a.example"]
    assert "ylläpitokiintiö" in subjects["agent@supplier.example"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_warn_once(anna: Any, aaro: Any, agent: Any, agreement_a: Any) -> None:
    Organisation.objects.filter(pk=anna.contact.organisation_id).update(account_manager=agent)
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Raportointi", now=NOW)
    counts, failures = run_in_workers(lambda: len(_log(agent, ticket, 1000).ticket.subject))
    assert not failures, failures
    assert QuotaWarning.objects.count() == 2  # 80 and 100 % of 20 h, by 2 × 1000 minutes
    assert QuotaNotice.objects.count() == 4  # anna and the account manager, once per level
    warnings = [m.to[0] for m in mail.outbox if m.subject.startswith("Org A Oy:")]
    assert sorted(warnings) == ["agent@supplier.example"] * 2 + ["anna@org-a.example"] * 2
    assert not QuotaNotice.objects.filter(sent_at__isnull=True).exists()
