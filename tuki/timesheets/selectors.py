"""Reads of time and the quota. The database sums the minutes (one aggregate per page, whatever the number of
entries) and :mod:`tuki.timesheets.ledger` turns the sums into balances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet, Sum

from tuki.accounts.models import User
from tuki.agreements.models import Agreement
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.tickets.models import Ticket
from tuki.timesheets import ledger
from tuki.timesheets.models import ClosedPeriod, Estimate, EstimateState, TimeEntry, WorkKind
from tuki.timesheets.terms import carry_cap, first_period, period_of, quota_minutes


def _sums(agreement_ids: Iterable[int], through: date) -> dict[int, dict[date, dict[str, int]]]:
    """Minutes per agreement, period start and kind, for every period up to ``through``: one query."""
    rows = (
        TimeEntry.objects.filter(agreement_id__in=list(agreement_ids), period_start__lte=through)
        .values("agreement_id", "period_start", "kind")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    found: dict[int, dict[date, dict[str, int]]] = defaultdict(dict)
    for row in rows:
        found[row["agreement_id"]].setdefault(row["period_start"], {})[row["kind"]] = row["total"] or 0
    return found


def _balances(agreement: Agreement, through: date, sums: dict[date, dict[str, int]]) -> list[ledger.Balance]:
    periods = ledger.periods_between(first_period(agreement).start, through, agreement.quota_period)
    used = {start: by_kind.get(WorkKind.MAINTENANCE, 0) for start, by_kind in sums.items()}
    return ledger.balances(periods=periods, quota=quota_minutes(agreement), carry_cap=carry_cap(agreement), used=used)


@dataclass(frozen=True)
class PeriodSummary:
    """One agreement's period: its balance, the minutes of each kind, and whether it is closed."""

    agreement: Agreement
    balance: ledger.Balance
    minutes: dict[str, int]
    closed: bool

    @property
    def warned(self) -> bool:
        return self.balance.percent >= ledger.THRESHOLDS[0]


def period_summary(agreement: Agreement, day: date) -> PeriodSummary:
    """The period of ``agreement`` that holds ``day``, with the carry-over from every period before it."""
    period = period_of(agreement, day)
    sums = _sums([agreement.pk], period.start).get(agreement.pk, {})
    balance = _balances(agreement, period.start, sums)[-1]
    closed = ClosedPeriod.objects.filter(agreement=agreement, start=period.start).exists()
    return PeriodSummary(agreement, balance, sums.get(period.start, {}), closed)


def agreement_balances(agreement: Agreement, through: date) -> list[ledger.Balance]:
    """Every period of the agreement from its first to the one that holds ``through``."""
    period = period_of(agreement, through)
    return _balances(agreement, period.start, _sums([agreement.pk], period.start).get(agreement.pk, {}))


def _current_sums(chosen: list[Agreement], starts: dict[int, date], day: date) -> dict[int, dict[date, dict[str, int]]]:
    """Like :func:`_sums`, in one query, but reading history only where the balance needs it: an agreement whose
    unused hours lapse needs its own period alone, one that carries hours over needs every period before it."""
    lapsing: dict[date, list[int]] = defaultdict(list)
    carrying = []
    for agreement in chosen:
        if carry_cap(agreement) is None:
            lapsing[starts[agreement.pk]].append(agreement.pk)
        else:
            carrying.append(agreement.pk)
    condition = Q(agreement_id__in=carrying, period_start__lte=day)
    for start, ids in lapsing.items():
        condition |= Q(agreement_id__in=ids, period_start=start)
    rows = (
        TimeEntry.objects.filter(condition)
        .values("agreement_id", "period_start", "kind")
        .annotate(total=Sum("minutes"))
    )
    found: dict[int, dict[date, dict[str, int]]] = defaultdict(dict)
    for row in rows.order_by():
        found[row["agreement_id"]].setdefault(row["period_start"], {})[row["kind"]] = row["total"] or 0
    return found


def agreements_in_force(day: date, among: QuerySet[Agreement] | None = None) -> list[Agreement]:
    """The agreement that governs each customer on ``day`` (the latest-starting one in force), by customer name."""
    agreements = Agreement.objects.in_force(day)
    if among is not None:
        agreements = agreements.filter(pk__in=among.values("pk"))
    latest: dict[int, Agreement] = {}
    for agreement in agreements.select_related("organisation", "service_calendar"):
        current = latest.get(agreement.organisation_id)
        if current is None or agreement.valid_from > current.valid_from:
            latest[agreement.organisation_id] = agreement
    return sorted(latest.values(), key=lambda a: a.organisation.name)


def closed_pairs(agreements: Iterable[Agreement]) -> set[tuple[int, date]]:
    """(agreement id, period start) of every closed period of these agreements."""
    return set(ClosedPeriod.objects.filter(agreement__in=list(agreements)).values_list("agreement_id", "start"))


def overview(day: date, among: QuerySet[Agreement] | None = None) -> list[PeriodSummary]:
    """Every customer's agreement in force on ``day`` (of ``among``, when given), with the period holding it:
    three queries in all, whatever the number of customers and entries."""
    chosen = agreements_in_force(day, among)
    starts = {a.pk: period_of(a, day).start for a in chosen}
    sums = _current_sums(chosen, starts, day) if chosen else {}
    closed = closed_pairs(chosen) if chosen else set()
    summaries = []
    for agreement in chosen:
        own = sums.get(agreement.pk, {})
        balance = _balances(agreement, starts[agreement.pk], own)[-1]
        is_closed = (agreement.pk, starts[agreement.pk]) in closed
        summaries.append(PeriodSummary(agreement, balance, own.get(starts[agreement.pk], {}), is_closed))
    return summaries


def closed_starts(agreement: Agreement) -> set[date]:
    return set(ClosedPeriod.objects.filter(agreement=agreement).values_list("start", flat=True))


def period_entries(user: User, agreement: Agreement, period_start: date) -> QuerySet[TimeEntry]:
    """The entries of one period that ``user`` may see, with their requests, oldest first."""
    entries = TimeEntry.objects.filter(agreement=agreement, period_start=period_start)
    return visible_to(user, entries).select_related("ticket", "author").order_by("day", "created_at", "pk")


def ticket_time(user: User, ticket: Ticket) -> tuple[list[TimeEntry], dict[str, int]]:
    """A request's entries that ``user`` may see, and their minutes by kind (corrections included)."""
    entries = list(visible_to(user, TimeEntry).filter(ticket=ticket).select_related("author").order_by("day", "pk"))
    totals: dict[str, int] = defaultdict(int)
    for entry in entries:
        totals[entry.kind] += entry.minutes
    return entries, dict(totals)


def additional_minutes(ticket_id: int) -> int:
    """The request's additional work, corrections included."""
    total = TimeEntry.objects.filter(ticket_id=ticket_id, kind=WorkKind.ADDITIONAL).aggregate(total=Sum("minutes"))
    return int(total["total"] or 0)


def estimates_waiting(user: User) -> QuerySet[Estimate]:
    """The estimates ``user`` may see that wait for a customer manager's decision, oldest first."""
    waiting = Estimate.objects.filter(state=EstimateState.PROPOSED).select_related("ticket")
    return visible_to(user, waiting).order_by("proposed_at", "pk")


def estimate_for(user: User, pk: int) -> Estimate:
    """One estimate as ``user`` may see it, or 404."""
    queryset = Estimate.objects.select_related("ticket__business_unit", "decided_by", "proposed_by")
    return get_visible_or_404(user, queryset, pk=pk)


def ticket_estimate(user: User, ticket: Ticket) -> Estimate | None:
    """The request's estimate, if it has one and ``user`` may see it."""
    return visible_to(user, Estimate).filter(ticket=ticket).select_related("decided_by").first()
