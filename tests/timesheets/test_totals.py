"""The ledger's running totals (tuki.timesheets.totals) always equal the sums of the entries they count: after
logs, corrections and late corrections, with several workers writing at once, and when a write is rolled back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import translation

from tests.timesheets.conftest import NOW
from tests.workers import run_in_workers
from tuki.agreements.services import agreement_save
from tuki.timesheets.models import PeriodTotal, TimeEntry
from tuki.timesheets.services import period_close, time_entry_correct, time_entry_log

JANUARY, FEBRUARY, MARCH = date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)


def assert_totals_are_the_sums_of_the_rows() -> None:
    rows = TimeEntry.objects.values_list("agreement_id", "period_start", "kind").annotate(Sum("minutes")).order_by()
    summed = {(agreement, start, kind): minutes for agreement, start, kind, minutes in rows}
    kept = {(total.agreement_id, total.period_start, total.kind): total.minutes for total in PeriodTotal.objects.all()}
    assert kept == summed


def _since_january(manager: Any, agreement: Any) -> Any:
    """The agreement starting in January 2027, so that January and February can be closed without closing the years
    before them; it carries unused hours over."""
    return agreement_save(
        actor=manager,
        agreement=agreement,
        organisation=agreement.organisation,
        service_calendar=agreement.service_calendar,
        targets={1: (30, 240)},
        valid_from=JANUARY,
        quota_hours=Decimal(10),
        carry_over="capped",
        carry_over_cap_hours=Decimal(5),
        hourly_rate=Decimal(95),
    )


@pytest.mark.django_db
def test_logs_corrections_and_late_corrections_are_counted(agent: Any, manager: Any, request_a: Any) -> None:
    agreement = _since_january(manager, request_a.agreement)
    january = time_entry_log(
        actor=agent, ticket=request_a, day=date(2027, 1, 20), minutes=90, kind="maintenance", now=NOW
    )
    time_entry_log(actor=agent, ticket=request_a, day=date(2027, 2, 3), minutes=30, kind="help_desk", now=NOW)
    period_close(actor=manager, agreement=agreement, period_start=JANUARY, now=NOW)
    late = time_entry_correct(actor=agent, entry=january, reason="Väärä asiakas", minutes=60, now=NOW)
    assert late.late and late.period_start == FEBRUARY
    march = time_entry_log(actor=agent, ticket=request_a, day=MARCH, minutes=45, kind="maintenance", now=NOW)
    time_entry_correct(actor=agent, entry=march, reason="Liikaa", now=NOW)
    assert_totals_are_the_sums_of_the_rows()
    assert PeriodTotal.objects.get(period_start=JANUARY, kind="maintenance").minutes == 90  # frozen once closed
    assert PeriodTotal.objects.get(period_start=FEBRUARY, kind="maintenance").minutes == -60
    assert PeriodTotal.objects.get(period_start=MARCH, kind="maintenance").minutes == 0


@pytest.mark.django_db
def test_a_rolled_back_entry_is_not_counted(agent: Any, request_a: Any) -> None:
    time_entry_log(actor=agent, ticket=request_a, day=MARCH, minutes=10, kind="maintenance", now=NOW)
    with pytest.raises(RuntimeError), transaction.atomic():
        time_entry_log(actor=agent, ticket=request_a, day=MARCH, minutes=20, kind="maintenance", now=NOW)
        time_entry_log(actor=agent, ticket=request_a, day=MARCH, minutes=20, kind="help_desk", now=NOW)
        raise RuntimeError
    assert_totals_are_the_sums_of_the_rows()
    assert list(PeriodTotal.objects.values_list("kind", "minutes")) == [("maintenance", 10)]


@pytest.mark.django_db(transaction=True)
def test_workers_writing_at_once_keep_the_totals_exact(agent: Any, manager: Any, request_a: Any) -> None:
    """Two workers log and correct time of one customer at once, the corrections of a closed period going late into
    the next open one: every minute is counted once, in the period it went into."""
    agreement = _since_january(manager, request_a.agreement)
    februarys = [
        time_entry_log(actor=agent, ticket=request_a, day=date(2027, 2, day), minutes=60, kind="maintenance", now=NOW)
        for day in range(1, 13)
    ]
    period_close(actor=manager, agreement=agreement, period_start=JANUARY, now=NOW)
    period_close(actor=manager, agreement=agreement, period_start=FEBRUARY, now=NOW)
    workers = iter([0, 1])

    def write() -> int:
        worker = next(workers)
        with translation.override("en"):  # each worker thread has a language of its own
            for turn in range(6):
                kind = ["maintenance", "help_desk"][turn % 2]
                entry = time_entry_log(
                    actor=agent, ticket=request_a, day=date(2027, 3, 1 + turn), minutes=10 + turn, kind=kind, now=NOW
                )
                time_entry_correct(actor=agent, entry=entry, reason="Puolet", minutes=5, now=NOW)
                time_entry_correct(
                    actor=agent, entry=februarys[worker * 6 + turn], reason="Myöhässä", minutes=15, now=NOW
                )
        return 1

    results, failures = run_in_workers(write)
    assert failures == [] and results == [1, 1]
    assert TimeEntry.objects.filter(late=True, period_start=MARCH).count() == 12
    assert_totals_are_the_sums_of_the_rows()
    assert PeriodTotal.objects.get(period_start=FEBRUARY, kind="maintenance").minutes == 12 * 60  # closed: unmoved
