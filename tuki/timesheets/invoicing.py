"""What the supplier invoices for a period, and what is still to invoice: read from the time ledger in a few
aggregate queries, whatever the number of entries.

Money is counted one way (:func:`tuki.timesheets.ledger.line_amount`: minutes at the agreement's hourly rate,
rounded once, half up to the cent), and a total adds rounded lines up without rounding again:

- help desk / on-call services are covered by the maintenance fee: nothing to invoice;
- maintenance is covered up to the period's included hours; the minutes beyond them (the ledger's ``over``) are
  invoiced, and fall on the customer's business units in proportion to each unit's maintenance minutes (whole
  minutes, :func:`ledger.allocate`); each unit's line is ``line_amount`` of its minutes;
- each request's additional work in the period is one amount, ``line_amount`` of its minutes, which falls on
  business units by the estimate's cost split (whole cents, and the minutes likewise, by :func:`ledger.allocate`,
  so that the shares add up to the amount exactly), or on the request's own unit when it has no split.

A late correction (one that went into this period because its own period was closed) is a line of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, QuerySet, Sum

from tuki.accounts.models import BusinessUnit, Organisation, User
from tuki.agreements.models import Agreement
from tuki.core.scoping import visible_to
from tuki.tickets.models import Ticket
from tuki.timesheets import ledger
from tuki.timesheets.models import CostShare, Estimate, EstimateState, TimeEntry, WorkKind
from tuki.timesheets.selectors import PeriodSummary, overview

KIND_ORDER = [WorkKind.HELP_DESK.value, WorkKind.MAINTENANCE.value, WorkKind.ADDITIONAL.value]


@dataclass(frozen=True)
class InvoiceLine:
    """One customer's business unit, kind of work and lateness in one period: minutes logged, minutes and euros
    to invoice. ``business_unit`` is None for work on requests that name no unit."""

    organisation: Organisation
    agreement: Agreement
    period: ledger.Period
    closed: bool
    business_unit: BusinessUnit | None
    kind: str
    late: bool
    minutes: int
    billable_minutes: int
    amount: Decimal

    @property
    def hourly_rate(self) -> Decimal:
        return self.agreement.hourly_rate


@dataclass
class _Line:
    minutes: int = 0
    billable: int = 0
    cents: int = 0


Key = tuple[int | None, str, bool]  # business unit, kind, late


class _Row(NamedTuple):
    agreement_id: int
    unit_id: int | None
    kind: str
    late: bool
    request_id: int | None  # for additional work only
    minutes: int


def _entry_rows(user: User, summaries: list[PeriodSummary]) -> list[_Row]:
    """Minutes per agreement, period, request, kind and lateness of the chosen periods, read from the ledger's
    covering index (one aggregate query), and the requests' business units (one more)."""
    starts = {s.agreement.pk: s.balance.period.start for s in summaries}
    rows = [
        row
        for row in visible_to(user, TimeEntry)
        .filter(agreement_id__in=list(starts), period_start__in=set(starts.values()))
        .values_list("agreement_id", "period_start", "kind", "late", "ticket_id", "billed_request_id")
        .annotate(total=Sum("minutes"))
        .order_by()
        if starts[row[0]] == row[1]
    ]
    requests = {row[4] for row in rows} | {row[5] for row in rows}
    units = dict(Ticket.objects.filter(pk__in=requests).values_list("pk", "business_unit_id"))
    merged: dict[tuple[int, int | None, str, bool, int | None], int] = defaultdict(int)
    for agreement_id, _start, kind, late, ticket_id, billed_id, total in rows:
        # Additional work is split per request it is billed through (for work on a change, the request whose estimate
        # covered it); the other kinds add up per business unit of the request they were logged on (none for work
        # on a change).
        if kind == WorkKind.ADDITIONAL:
            merged[(agreement_id, units.get(billed_id), kind, late, billed_id)] += total
        else:
            merged[(agreement_id, units.get(ticket_id), kind, late, None)] += total
    return [_Row(*key, minutes) for key, minutes in merged.items()]


def _shares(request_ids: set[int]) -> dict[int, list[tuple[int, int]]]:
    """Each request's cost split, [(business unit id, percent)], largest share first: one query."""
    rows = CostShare.objects.filter(estimate__ticket_id__in=request_ids).values_list(
        "estimate__ticket_id", "business_unit_id", "percent"
    )
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for request_id, unit_id, percent in rows.order_by("estimate__ticket_id", "-percent", "business_unit_id"):
        found[request_id].append((unit_id, percent))
    return found


def _customer_lines(
    summary: PeriodSummary, rows: list[_Row], shares: dict[int, list[tuple[int, int]]]
) -> dict[Key, _Line]:
    rate = summary.agreement.hourly_rate
    lines: dict[Key, _Line] = defaultdict(_Line)
    for row in rows:
        if row.request_id is None:
            lines[(row.unit_id, row.kind, row.late)].minutes += row.minutes
            continue
        split: dict[int | None, int] = dict(shares.get(row.request_id, [])) or {row.unit_id: 100}
        for share_unit, share_minutes, share_cents in ledger.split_line(ledger.CostLine(row.minutes, rate, split)):
            line = lines[(share_unit, row.kind, row.late)]
            line.minutes += share_minutes
            line.billable += share_minutes
            line.cents += share_cents
    maintenance = sorted(
        (key for key in lines if key[1] == WorkKind.MAINTENANCE and lines[key].minutes > 0),
        key=lambda key: (key[0] is None, key[0] or 0, key[2]),
    )
    beyond = ledger.allocate(summary.balance.over, [lines[key].minutes for key in maintenance])
    for key, billable in zip(maintenance, beyond, strict=False):
        lines[key].billable = billable
        lines[key].cents = ledger.cents(ledger.line_amount(billable, rate))
    return lines


@dataclass(frozen=True)
class Invoicing:
    """The customers' periods (their ledger balances) and the lines to invoice of them."""

    customers: list[PeriodSummary]
    lines: list[InvoiceLine]


def invoicing(user: User, day: date, organisation_id: int | None = None) -> Invoicing:
    """The lines to invoice of every customer's period holding ``day`` that ``user`` may see (one customer's,
    given ``organisation_id``), by customer, business unit and kind: seven queries in all."""
    among = visible_to(user, Agreement)
    if organisation_id is not None:
        among = among.filter(organisation_id=organisation_id)
    summaries = overview(day, among)
    if not summaries:
        return Invoicing([], [])
    rows = _entry_rows(user, summaries)
    shares = _shares({row.request_id for row in rows if row.request_id is not None})
    by_agreement: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_agreement[row.agreement_id].append(row)
    built = [(summary, _customer_lines(summary, by_agreement[summary.agreement.pk], shares)) for summary in summaries]
    unit_ids = {key[0] for _summary, lines in built for key in lines if key[0] is not None}
    units = BusinessUnit.objects.in_bulk(unit_ids) if unit_ids else {}
    found = []
    for summary, lines in built:
        for (unit_id, kind, late), line in lines.items():
            unit = units.get(unit_id) if unit_id is not None else None
            found.append(
                InvoiceLine(
                    organisation=summary.agreement.organisation,
                    agreement=summary.agreement,
                    period=summary.balance.period,
                    closed=summary.closed,
                    business_unit=unit,
                    kind=kind,
                    late=late,
                    minutes=line.minutes,
                    billable_minutes=line.billable,
                    amount=ledger.euros(line.cents),
                )
            )
    return Invoicing(summaries, sorted(found, key=_line_order))


def _line_order(line: InvoiceLine) -> tuple[str, int, int, str, int, bool]:
    unit = line.business_unit
    return (
        line.organisation.name,
        line.organisation.pk,
        unit is None,
        unit.name if unit is not None else "",
        KIND_ORDER.index(line.kind),
        line.late,
    )


@dataclass(frozen=True)
class Pending:
    """A customer's estimates waiting for approval, and additional work in periods not yet closed."""

    estimates: int = 0
    estimated: Decimal = Decimal("0.00")
    minutes: int = 0
    amount: Decimal = Decimal("0.00")


def pending(user: User, summaries: Iterable[PeriodSummary], day: date) -> dict[int, Pending]:
    """For each customer of ``summaries`` (by organisation id): estimates waiting for a customer manager, and the
    additional work of its agreement in periods up to ``day`` that are not closed for invoicing. Two queries; the
    entries are read from the earliest period still open (periods close in order)."""
    summaries = list(summaries)
    agreements = {s.agreement.pk: s.agreement for s in summaries}
    if not agreements:
        return {}
    first_open = {s.agreement.pk: s.first_open or s.balance.period.start for s in summaries}
    # An estimate's agreement is its request's customer's (estimate_propose), so the customer is read from the small
    # agreements table: joining the requests made PostgreSQL scan all of them for a few hundred estimates.
    waiting: QuerySet[Estimate] = visible_to(user, Estimate).filter(
        state=EstimateState.PROPOSED, agreement__organisation_id__in=[a.organisation_id for a in agreements.values()]
    )
    per_customer = waiting.values("agreement__organisation_id").annotate(count=Count("pk"), amount=Sum("amount"))
    estimates = {row["agreement__organisation_id"]: (row["count"], row["amount"]) for row in per_customer.order_by()}
    rows = (
        visible_to(user, TimeEntry)
        .filter(kind=WorkKind.ADDITIONAL, agreement_id__in=list(agreements))
        .filter(period_start__gte=min(first_open.values()), period_start__lte=day)
        .values("agreement_id", "period_start", "ticket_id", "late")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    minutes: dict[int, int] = defaultdict(int)
    cents: dict[int, int] = defaultdict(int)
    for row in rows:
        if row["period_start"] < first_open[row["agreement_id"]]:
            continue  # closed for invoicing: invoiced
        agreement = agreements[row["agreement_id"]]
        minutes[agreement.organisation_id] += row["total"]
        cents[agreement.organisation_id] += ledger.cents(ledger.line_amount(row["total"], agreement.hourly_rate))
    found = {}
    for agreement in agreements.values():
        count, estimated = estimates.get(agreement.organisation_id, (0, None))
        organisation = agreement.organisation_id
        found[organisation] = Pending(
            estimates=count,
            estimated=estimated or Decimal("0.00"),
            minutes=minutes[organisation],
            amount=ledger.euros(cents[organisation]),
        )
    return found
