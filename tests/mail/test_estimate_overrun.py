"""Additional work past its approved estimate by more than 10 %: the agent who logged it and the account manager
are warned once, through a real SMTP server."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tuki.accounts.models import Organisation
from tuki.accounts.services import staff_create
from tuki.tickets.services import ticket_create
from tuki.timesheets.services import estimate_approve, estimate_propose, time_entry_correct, time_entry_log

NOW = datetime(2027, 3, 17, 12, tzinfo=ZoneInfo("Europe/Helsinki"))
DAY = date(2027, 3, 17)


@pytest.mark.django_db
def test_the_overrun_warning_goes_once_to_the_agent_and_the_account_manager(
    anna: Any, agent: Any, agreement_a: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    account_manager = staff_create(email="tili@supplier.example", full_name="Tiina Tili")
    Organisation.objects.filter(pk=anna.contact.organisation_id).update(account_manager=account_manager)
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Uusi raportti", now=NOW)
    estimate = estimate_propose(actor=agent, ticket=ticket, basis="hours", minutes=600, description="Raportti", now=NOW)
    estimate_approve(actor=anna, estimate=estimate, version=1, now=NOW)

    def log(minutes: int) -> Any:
        return time_entry_log(actor=agent, ticket=ticket, day=DAY, minutes=minutes, kind="additional", now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        log(600)
        entry = log(60)  # exactly 10 % over: within the tolerance
    assert smtp_server.envelopes == []
    with django_capture_on_commit_callbacks(execute=True):
        log(1)  # 661 min: beyond 10 %
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == ["agent@supplier.example", "tili@supplier.example"]
    text = smtp_server.envelopes[0].content.decode()
    assert ticket.identifier in text and "950,00 €" in text and "1046,58 €" in text
    assert f"/desk/requests/{ticket.identifier}/time/" in text
    with django_capture_on_commit_callbacks(execute=True):
        time_entry_correct(actor=agent, entry=entry, reason="Väärä pyyntö", now=NOW)  # back under
        log(120)  # over again: no second warning
        log(30)
    assert len(smtp_server.envelopes) == 2
