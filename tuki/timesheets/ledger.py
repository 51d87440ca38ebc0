"""The maintenance quota's arithmetic: periods, and each period's balance from the minutes logged in it.

Plain values only, no Django: the selectors read the sums from the database and ask this module, and the property
tests check it against the rows themselves. Every amount is in whole minutes, so that balances add up exactly; the
agreement's hours become minutes once, rounded half up (:func:`hours_to_minutes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

MONTH, QUARTER, YEAR = "month", "quarter", "year"
MONTHS_IN = {MONTH: 1, QUARTER: 3, YEAR: 12}
# The kinds of work; only maintenance draws on the quota (the fee covers the help desk and on-call services).
HELP_DESK, MAINTENANCE, ADDITIONAL = "help_desk", "maintenance", "additional"
THRESHOLDS = (80, 100)  # per cent of a period's included hours at which the customer is warned


@dataclass(frozen=True, order=True)
class Period:
    """A quota period: ``start`` inclusive, ``end`` exclusive, both the first day of a month."""

    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(day: date, length: str) -> Period:
    """The period of ``length`` (month, quarter or year) that holds ``day``: calendar periods, not anniversaries."""
    months = MONTHS_IN[length]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return Period(start, _add_months(start, months))


def periods_between(first: date, last: date, length: str) -> list[Period]:
    """Every period from the one holding ``first`` to the one holding ``last``, in order."""
    period, final = period_of(first, length), period_of(last, length)
    found = []
    while period <= final:
        found.append(period)
        period = Period(period.end, _add_months(period.end, MONTHS_IN[length]))
    return found


def hours_to_minutes(hours: Decimal) -> int:
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Balance:
    """One period of the quota. ``included`` is the quota plus what was carried in; ``remaining`` and ``over`` are
    never both above zero; ``carried_out`` is what the next period gets."""

    period: Period
    quota: int
    carried_in: int
    used: int
    carried_out: int

    @property
    def included(self) -> int:
        return self.quota + self.carried_in

    @property
    def remaining(self) -> int:
        return max(0, self.included - self.used)

    @property
    def over(self) -> int:
        return max(0, self.used - self.included)

    @property
    def percent(self) -> int:
        """How much of the included time is used, in whole per cent (rounded down, so 80 means at least 80 %)."""
        if self.included <= 0:
            return 100 if self.used > 0 else 0
        return max(0, self.used) * 100 // self.included


def carry(unused: int, cap: int | None) -> int:
    """What of a period's unused minutes moves on: nothing without a policy (``cap`` None), else up to the cap."""
    if cap is None:
        return 0
    return max(0, min(unused, cap))


def balances(
    *, periods: Sequence[Period], quota: int, carry_cap: int | None, used: Mapping[date, int]
) -> list[Balance]:
    """The balance of each period in order; ``used`` maps a period's start to its maintenance minutes."""
    found = []
    carried = 0
    for period in periods:
        balance = Balance(period=period, quota=quota, carried_in=carried, used=used.get(period.start, 0), carried_out=0)
        carried = carry(balance.remaining, carry_cap)
        found.append(Balance(period, quota, balance.carried_in, balance.used, carried))
    return found


def thresholds_reached(balance: Balance) -> list[int]:
    """The warning levels a period's maintenance use has reached; none where the period includes no time."""
    if balance.included <= 0:
        return []
    return [level for level in THRESHOLDS if balance.used * 100 >= level * balance.included]


def sum_by_period(rows: Iterable[tuple[date, str, int]]) -> dict[date, dict[str, int]]:
    """Minutes per period start and kind, from (period start, kind, minutes) rows."""
    totals: dict[date, dict[str, int]] = {}
    for start, kind, minutes in rows:
        by_kind = totals.setdefault(start, {})
        by_kind[kind] = by_kind.get(kind, 0) + minutes
    return totals


CENT = Decimal("0.01")
OVERRUN_TOLERANCE = Decimal("1.10")  # approved work may run 10 % over its estimate before anyone is warned


def line_amount(minutes: int, hourly_rate: Decimal) -> Decimal:
    """The euros of one line (an estimate, or a request's additional work): minutes at the hourly rate, rounded
    once, half up to the cent. Totals add up the rounded lines and are never rounded again."""
    return (Decimal(minutes) * hourly_rate / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def overrun(spent: Decimal, estimated: Decimal) -> bool:
    """Whether work costing ``spent`` is beyond an estimate of ``estimated`` by more than the tolerance."""
    return spent > estimated * OVERRUN_TOLERANCE


def split_problems(percents: Sequence[int]) -> str | None:
    """Why a cost split by these percentages is wrong, or None: each share 1-100, together exactly 100."""
    if not percents:
        return "empty"
    if any(not 1 <= share <= 100 for share in percents):
        return "share"
    if sum(percents) != 100:
        return "sum"
    return None


@dataclass(frozen=True)
class CostLine:
    """One request's additional work in a period: its minutes, its hourly rate, and how its costs are split between
    the customer's business units (unit id, or None for a request without one, to whole percentages summing to 100)."""

    minutes: int
    hourly_rate: Decimal
    split: Mapping[int | None, int]


@dataclass(frozen=True)
class UnitCost:
    minutes: Decimal
    amount: Decimal


def split_line(line: CostLine) -> list[tuple[int | None, int, int]]:
    """One request's additional work shared between business units: ``(unit, minutes, cents)`` per unit. The line
    is priced once (:func:`line_amount`), and its cents and minutes are shared by the split's percentages in whole
    units (:func:`allocate`), largest share first, so that the parts add up to the line exactly. The invoicing
    export and the customer's page share lines this one way and agree to the cent."""
    split = sorted(line.split.items(), key=lambda item: (-item[1], item[0] is None, item[0] or 0))
    percents = [percent for _unit, percent in split]
    cents_ = allocate(cents(line_amount(line.minutes, line.hourly_rate)), percents)
    minutes = allocate(line.minutes, percents)
    return [(unit, share, amount) for (unit, _p), share, amount in zip(split, minutes, cents_, strict=True)]


def costs_by_unit(lines: Iterable[CostLine]) -> dict[int | None, UnitCost]:
    """Each business unit's minutes and euros: the sums of its shares of the lines (:func:`split_line`), so a unit's
    total, and the total of all units, add up the lines exactly."""
    minutes: dict[int | None, int] = {}
    amounts: dict[int | None, int] = {}
    for line in lines:
        for unit, share, amount in split_line(line):
            minutes[unit] = minutes.get(unit, 0) + share
            amounts[unit] = amounts.get(unit, 0) + amount
    return {unit: UnitCost(Decimal(minutes[unit]), euros(amounts[unit])) for unit in minutes}


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` whole units (minutes or cents) shared in proportion to positive ``weights``, so that the shares
    add up to ``total`` exactly: each share gets its whole part, and the units left over go one each to the
    largest remainders, the earlier weight first on a tie (the largest remainder method). A negative total (a
    late correction) is shared as its size and keeps its sign. Without weights nothing can be shared: []."""
    if not weights or sum(weights) <= 0:
        return []
    size, sign = abs(total), -1 if total < 0 else 1
    whole = sum(weights)
    shares = [size * weight // whole for weight in weights]
    remainders = [size * weight % whole for weight in weights]
    for index in sorted(range(len(weights)), key=lambda i: -remainders[i])[: size - sum(shares)]:
        shares[index] += 1
    return [sign * share for share in shares]


def cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


def euros(cents_: int) -> Decimal:
    return (Decimal(cents_) * CENT).quantize(CENT)
