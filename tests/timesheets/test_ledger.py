"""The quota's arithmetic, without a database: periods, carry-over, warning levels, and the property that every
balance is the sum of its rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tuki.timesheets import ledger
from tuki.timesheets.ledger import Period


def test_periods_are_calendar_months_quarters_and_years() -> None:
    assert ledger.period_of(date(2027, 2, 28), "month") == Period(date(2027, 2, 1), date(2027, 3, 1))
    assert ledger.period_of(date(2027, 12, 31), "month") == Period(date(2027, 12, 1), date(2028, 1, 1))
    assert ledger.period_of(date(2027, 5, 17), "quarter") == Period(date(2027, 4, 1), date(2027, 7, 1))
    assert ledger.period_of(date(2027, 11, 1), "quarter") == Period(date(2027, 10, 1), date(2028, 1, 1))
    assert ledger.period_of(date(2027, 7, 1), "year") == Period(date(2027, 1, 1), date(2028, 1, 1))
    starts = [p.start for p in ledger.periods_between(date(2026, 11, 20), date(2027, 2, 3), "month")]
    assert starts == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def test_hours_become_minutes_once_rounded_half_up() -> None:
    assert ledger.hours_to_minutes(Decimal("7.5")) == 450
    assert ledger.hours_to_minutes(Decimal("0.01")) == 1  # 0.6 minutes
    assert ledger.hours_to_minutes(Decimal("0.00")) == 0


def test_unused_hours_carry_up_to_the_cap_and_lapse_without_a_policy() -> None:
    periods = ledger.periods_between(date(2027, 1, 1), date(2027, 3, 1), "month")
    used = {date(2027, 1, 1): 600, date(2027, 2, 1): 1500}
    capped = ledger.balances(periods=periods, quota=1200, carry_cap=300, used=used)
    assert [(b.carried_in, b.included, b.remaining, b.over) for b in capped] == [
        (0, 1200, 600, 0),
        (300, 1500, 0, 0),  # 600 unused, 300 carried
        (0, 1200, 1200, 0),
    ]
    lapsing = ledger.balances(periods=periods, quota=1200, carry_cap=None, used=used)
    assert [b.carried_in for b in lapsing] == [0, 0, 0]
    assert lapsing[1].over == 300


def test_warning_levels() -> None:
    period = ledger.period_of(date(2027, 3, 1), "month")
    at = [ledger.Balance(period, quota=1200, carried_in=0, used=used, carried_out=0) for used in (959, 960, 1200)]
    assert [ledger.thresholds_reached(b) for b in at] == [[], [80], [80, 100]]
    assert ledger.thresholds_reached(ledger.Balance(period, 0, 0, 60, 0)) == []  # no quota, nothing to warn of


kinds = st.sampled_from([ledger.HELP_DESK, ledger.MAINTENANCE, ledger.ADDITIONAL])
rows = st.lists(st.tuples(st.integers(0, 11), kinds, st.integers(-1440, 1440)), max_size=60)


@given(rows=rows, quota=st.integers(0, 6000), cap=st.one_of(st.none(), st.integers(0, 3000)))
def test_balances_equal_the_sum_of_their_rows(rows: list[tuple[int, str, int]], quota: int, cap: int | None) -> None:
    periods = ledger.periods_between(date(2027, 1, 1), date(2027, 12, 1), "month")
    dated = [(periods[index].start, kind, minutes) for index, kind, minutes in rows]
    sums = ledger.sum_by_period(dated)
    used = {start: by_kind.get(ledger.MAINTENANCE, 0) for start, by_kind in sums.items()}
    found = ledger.balances(periods=periods, quota=quota, carry_cap=cap, used=used)
    carried = 0
    for balance in found:
        own = [m for start, kind, m in dated if start == balance.period.start and kind == ledger.MAINTENANCE]
        assert balance.used == sum(own)  # help desk and additional work never draw on the quota
        assert balance.carried_in == carried
        assert balance.included == quota + carried
        assert balance.remaining - balance.over == balance.included - balance.used
        assert min(balance.remaining, balance.over) == 0
        assert balance.carried_out == (0 if cap is None else min(cap, balance.remaining))
        carried = balance.carried_out
    # What every period was given is what was used, left over, or carried: nothing appears or vanishes.
    given_total = sum(b.quota for b in found)
    assert given_total == sum(b.used - b.over for b in found) + sum(b.remaining - b.carried_out for b in found) + (
        found[-1].carried_out
    )
