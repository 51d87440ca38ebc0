"""Logging, correcting and closing: every bad input refused with its own message, nothing half-saved, and the
ledger append-only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.timesheets.conftest import NOW
from tuki.agreements.services import agreement_save
from tuki.audit.models import Action, AuditEntry
from tuki.timesheets.models import ClosedPeriod, TimeEntry
from tuki.timesheets.selectors import period_summary
from tuki.timesheets.services import period_close, time_entry_correct, time_entry_log

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 17)


def log(agent: Any, ticket: Any, **changes: Any) -> TimeEntry:
    values: dict[str, Any] = {"day": TODAY, "minutes": 90, "kind": "maintenance", "description": "Korjattu raportti"}
    return time_entry_log(actor=agent, ticket=ticket, now=NOW, **(values | changes))


def refused(agent: Any, ticket: Any, **changes: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        log(agent, ticket, **changes)
    assert not TimeEntry.objects.exists()
    return caught.value.message_dict


def test_an_agent_logs_time_in_the_days_period(agent: Any, request_a: Any) -> None:
    entry = log(agent, request_a, internal_note="Indeksi puuttui")
    assert (entry.minutes, entry.kind, entry.period_start, entry.organisation_id) == (
        90,
        "maintenance",
        date(2027, 3, 1),
        request_a.organisation_id,
    )
    summary = period_summary(entry.agreement, TODAY)
    assert (summary.balance.used, summary.balance.remaining) == (90, 1200 - 90)


def test_help_desk_time_does_not_draw_on_the_quota(agent: Any, request_a: Any) -> None:
    entry = log(agent, request_a, kind="help_desk", minutes=300)
    summary = period_summary(entry.agreement, TODAY)
    assert summary.balance.used == 0 and summary.minutes == {"help_desk": 300}


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"minutes": 0}, "minutes", "more than zero"),
        ({"minutes": -30}, "minutes", "more than zero"),
        ({"minutes": 24 * 60 + 1}, "minutes", "at most 24 hours"),
        ({"day": TODAY + timedelta(days=1)}, "day", "today or earlier"),
        ({"day": date(2024, 12, 31)}, "day", "no agreement in force"),
        ({"kind": "holiday"}, "kind", "Choose the kind"),
    ],
)
def test_bad_input_is_refused(agent: Any, request_a: Any, changes: Any, field: str, text: str) -> None:
    with translation.override("en"):
        assert text in " ".join(refused(agent, request_a, **changes)[field])


def test_messages_are_in_the_users_language(agent: Any, request_a: Any) -> None:
    with translation.override("fi"):
        assert "Kirjaa" in " ".join(refused(agent, request_a, minutes=0)["minutes"])
    with translation.override("sv"):
        assert "minuter" in " ".join(refused(agent, request_a, minutes=0)["minutes"])


def test_the_future_is_judged_in_the_agreements_time_zone(agent: Any, request_a: Any) -> None:
    # 23:30 UTC on the 17th is already the 18th in Helsinki; 21:30 UTC is still the 17th there.
    after_midnight = datetime(2027, 3, 17, 23, 30, tzinfo=UTC)
    entry = time_entry_log(
        actor=agent, ticket=request_a, day=date(2027, 3, 18), minutes=30, kind="help_desk", now=after_midnight
    )
    assert entry.day == date(2027, 3, 18)
    with pytest.raises(ValidationError):
        time_entry_log(
            actor=agent,
            ticket=request_a,
            day=date(2027, 3, 18),
            minutes=30,
            kind="help_desk",
            now=datetime(2027, 3, 17, 21, 30, tzinfo=UTC),
        )


def test_a_kind_the_agreement_does_not_allow(agent: Any, manager: Any, request_b: Any) -> None:
    # Org B's agreement has no quota and no hourly rate: only help desk time.
    with translation.override("en"):
        assert "does not include maintenance" in refused(agent, request_b, kind="maintenance")["kind"][0]
        assert "does not include additional work" in refused(agent, request_b, kind="additional")["kind"][0]
    log(agent, request_b, kind="help_desk")


def test_a_contact_cannot_log_time(anna: Any, request_a: Any) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        log(anna, request_a)
    assert "Only the supplier's staff" in caught.value.messages[0]
    assert not TimeEntry.objects.exists()


def test_entries_are_append_only(agent: Any, request_a: Any) -> None:
    entry = log(agent, request_a)
    entry.minutes = 10
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        TimeEntry.objects.filter(pk=entry.pk).update(minutes=10)
    with pytest.raises(ValueError, match="append-only"):
        TimeEntry.objects.all().delete()
    assert TimeEntry.objects.get().minutes == 90


def test_a_correction_reverses_with_a_reason(agent: Any, request_a: Any) -> None:
    entry = log(agent, request_a)
    part = time_entry_correct(actor=agent, entry=entry, reason="Osa oli päivystystä", minutes=30, now=NOW)
    assert (part.minutes, part.corrects, part.late, part.period_start) == (-30, entry, False, entry.period_start)
    rest = time_entry_correct(actor=agent, entry=entry, reason="Väärä pyyntö", now=NOW)
    assert rest.minutes == -60
    assert period_summary(entry.agreement, TODAY).balance.used == 0
    with translation.override("en"):
        with pytest.raises(ValidationError, match="already been corrected in full"):
            time_entry_correct(actor=agent, entry=entry, reason="Again", now=NOW)
        with pytest.raises(ValidationError, match="cannot be corrected"):
            time_entry_correct(actor=agent, entry=rest, reason="Undo", now=NOW)


def test_a_correction_needs_a_reason_and_a_fitting_amount(agent: Any, anna: Any, request_a: Any) -> None:
    entry = log(agent, request_a)
    with translation.override("en"):
        with pytest.raises(ValidationError, match="Say why"):
            time_entry_correct(actor=agent, entry=entry, reason="  ", now=NOW)
        with pytest.raises(ValidationError, match="at most 90 minutes"):
            time_entry_correct(actor=agent, entry=entry, reason="Too much", minutes=91, now=NOW)
        with pytest.raises(ValidationError, match="at least 1"):
            time_entry_correct(actor=agent, entry=entry, reason="Nothing", minutes=0, now=NOW)
        with pytest.raises(ValidationError, match="Only the supplier's staff"):
            time_entry_correct(actor=anna, entry=entry, reason="Mine", now=NOW)
    assert TimeEntry.objects.count() == 1


def test_closing_a_period_freezes_it_and_late_corrections_go_to_the_next(
    agent: Any, manager: Any, request_a: Any
) -> None:
    january = log(agent, request_a, day=date(2027, 1, 20), minutes=120)
    closing = period_close(actor=manager, agreement=january.agreement, period_start=date(2025, 1, 1), now=NOW)
    assert closing.start == date(2025, 1, 1)
    for month in range(2, 13):  # periods close in order, from the agreement's first
        period_close(actor=manager, agreement=january.agreement, period_start=date(2025, month, 1), now=NOW)
    period_close(actor=manager, agreement=january.agreement, period_start=date(2026, 1, 1), now=NOW)
    with translation.override("en"), pytest.raises(ValidationError, match="begins on"):
        period_close(actor=manager, agreement=january.agreement, period_start=date(2026, 3, 1), now=NOW)
    for month in range(2, 13):
        period_close(actor=manager, agreement=january.agreement, period_start=date(2026, month, 1), now=NOW)
    period_close(actor=manager, agreement=january.agreement, period_start=date(2027, 1, 1), now=NOW)
    entry = AuditEntry.objects.filter(action=Action.PERIOD_CLOSED).first()
    assert entry is not None and entry.details["period_start"] == "2027-01-01"
    assert entry.details["maintenance_minutes"] == 120 and entry.actor == manager
    with translation.override("en"):
        assert "closed for invoicing" in refused_after(agent, request_a, day=date(2027, 1, 21))["day"][0]
    late = time_entry_correct(actor=agent, entry=january, reason="Laskutettu väärin", now=NOW)
    assert (late.period_start, late.late, late.day) == (date(2027, 2, 1), True, date(2027, 1, 20))
    assert period_summary(january.agreement, date(2027, 1, 1)).balance.used == 120  # the closed period stays
    assert period_summary(january.agreement, date(2027, 2, 1)).balance.used == -120


def refused_after(agent: Any, ticket: Any, **changes: Any) -> dict[str, list[str]]:
    before = TimeEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        log(agent, ticket, **changes)
    assert TimeEntry.objects.count() == before
    return caught.value.message_dict


def test_period_close_refusals(agent: Any, manager: Any, request_a: Any) -> None:
    agreement = request_a.agreement
    with translation.override("en"):
        with pytest.raises(PermissionDenied, match="managers close"):
            period_close(actor=agent, agreement=agreement, period_start=date(2025, 1, 1), now=NOW)
        with pytest.raises(ValidationError, match="after it has ended"):
            period_close(actor=manager, agreement=agreement, period_start=date(2027, 3, 1), now=NOW)
        with pytest.raises(ValidationError, match="not in force"):
            period_close(actor=manager, agreement=agreement, period_start=date(2024, 12, 1), now=NOW)
        with pytest.raises(ValidationError, match="Close the period that begins on"):
            period_close(actor=manager, agreement=agreement, period_start=date(2025, 2, 1), now=NOW)
        period_close(actor=manager, agreement=agreement, period_start=date(2025, 1, 1), now=NOW)
        with pytest.raises(ValidationError, match="already closed"):
            period_close(actor=manager, agreement=agreement, period_start=date(2025, 1, 1), now=NOW)
    assert ClosedPeriod.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.PERIOD_CLOSED).count() == 1


def test_quarters_and_carry_over(agent: Any, manager: Any, request_a: Any) -> None:
    agreement = request_a.agreement
    agreement_save(
        actor=manager,
        agreement=agreement,
        organisation=agreement.organisation,
        service_calendar=agreement.service_calendar,
        targets={1: (30, 240)},
        valid_from=date(2026, 10, 1),
        quota_hours=Decimal(10),
        quota_period="quarter",
        carry_over="capped",
        carry_over_cap_hours=Decimal(3),
        hourly_rate=Decimal(95),
    )
    log(agent, request_a, day=date(2026, 11, 2), minutes=120)
    summary = period_summary(agreement, TODAY)
    assert summary.balance.period.start == date(2027, 1, 1)
    assert (summary.balance.carried_in, summary.balance.included) == (180, 780)
    with pytest.raises(ValidationError) as caught:
        agreement_save(
            actor=manager,
            agreement=agreement,
            organisation=agreement.organisation,
            service_calendar=agreement.service_calendar,
            targets={1: (30, 240)},
            carry_over="capped",
        )
    assert "carry_over_cap_hours" in caught.value.message_dict
