"""Any sequence of entries, corrections, carry-overs and period closes, through the services and the database:
the balances the pages show (read from the running totals) equal the sums of the stored rows, and a closed
period's balance never moves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.timesheets.conftest import NOW
from tests.timesheets.test_totals import assert_totals_are_the_sums_of_the_rows
from tuki.agreements.services import agreement_save
from tuki.timesheets import ledger
from tuki.timesheets.models import TimeEntry
from tuki.timesheets.selectors import agreement_balances
from tuki.timesheets.services import period_close, time_entry_correct, time_entry_log

pytestmark = pytest.mark.django_db

MONTHS = [date(2026, month, 1) for month in range(7, 13)] + [date(2027, month, 1) for month in range(1, 4)]
log_step = st.tuples(
    st.just("log"),
    st.sampled_from(range(len(MONTHS))),
    st.sampled_from(["maintenance", "help_desk"]),
    st.integers(1, 900),
)
correct_step = st.tuples(st.just("correct"), st.integers(0, 50), st.none(), st.one_of(st.none(), st.integers(1, 300)))
close_step = st.tuples(st.just("close"), st.none(), st.none(), st.none())
steps = st.lists(st.one_of(log_step, correct_step, close_step), min_size=1, max_size=30)


class Rollback(Exception):
    pass


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, cap=st.one_of(st.none(), st.integers(1, 10)))
def test_balances_are_the_sums_of_the_rows(
    steps: list[tuple[Any, ...]], cap: int | None, agent: Any, manager: Any, request_a: Any
) -> None:
    try:
        with transaction.atomic():
            _run(steps, cap, agent, manager, request_a)
            raise Rollback
    except Rollback:
        pass


def _run(steps: list[tuple[Any, ...]], cap: int | None, agent: Any, manager: Any, request_a: Any) -> None:
    agreement = request_a.agreement
    agreement = agreement_save(
        actor=manager,
        agreement=agreement,
        organisation=agreement.organisation,
        service_calendar=agreement.service_calendar,
        targets={1: (30, 240)},
        valid_from=MONTHS[0],
        quota_hours=Decimal(10),
        carry_over="none" if cap is None else "capped",
        carry_over_cap_hours=Decimal(cap or 0),
        hourly_rate=Decimal(95),
    )
    closed: dict[date, ledger.Balance] = {}
    frozen_rows: dict[date, int] = {}
    for action, first, second, third in steps:
        try:
            if action == "log":
                time_entry_log(
                    actor=agent,
                    ticket=request_a,
                    day=MONTHS[first].replace(day=10),
                    kind=second,
                    minutes=third,
                    now=NOW,
                )
            elif action == "correct":
                originals = list(TimeEntry.objects.filter(corrects__isnull=True).order_by("pk"))
                if originals:
                    entry = originals[first % len(originals)]
                    time_entry_correct(actor=agent, entry=entry, reason="Korjaus", minutes=third, now=NOW)
            else:
                start = MONTHS[len(closed)]
                if start < date(2027, 3, 1):
                    period_close(actor=manager, agreement=agreement, period_start=start, now=NOW)
                    closed[start] = agreement_balances(agreement, start)[-1]
                    frozen_rows[start] = TimeEntry.objects.filter(period_start=start).count()
        except ValidationError:
            pass  # a refused step (a closed period, too much reversed) writes nothing
    balances = agreement_balances(agreement, MONTHS[-1])
    rows = list(TimeEntry.objects.values_list("period_start", "kind", "minutes"))
    carried = 0
    for balance in balances:
        assert balance.used == sum(
            m for start, kind, m in rows if start == balance.period.start and kind == "maintenance"
        )
        assert balance.carried_in == carried and balance.included == 600 + carried
        assert balance.remaining - balance.over == balance.included - balance.used
        carried = balance.carried_out
    for start, frozen in closed.items():
        assert next(b for b in balances if b.period.start == start) == frozen
        assert TimeEntry.objects.filter(period_start=start).count() == frozen_rows[start]
    for entry in TimeEntry.objects.filter(corrects__isnull=False).select_related("corrects"):
        assert entry.late == (entry.period_start != entry.corrects.period_start)
        assert entry.period_start >= entry.corrects.period_start
    assert_totals_are_the_sums_of_the_rows()  # the running totals the pages read
