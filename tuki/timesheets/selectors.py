"""Reads of time and the quota. The database sums the minutes (one aggregate per page, whatever the number of
entries) and :mod:`tuki.timesheets.ledger` turns the sums into balances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet, Sum

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
    return _balances_of(agreement, periods, sums)


def _balances_of(
    agreement: Agreement, periods: list[ledger.Period], sums: dict[date, dict[str, int]]
) -> list[ledger.Balance]:
    used = {start: by_kind.get(WorkKind.MAINTENANCE, 0) for start, by_kind in sums.items()}
    return ledger.balances(periods=periods, quota=quota_minutes(agreement), carry_cap=carry_cap(agreement), used=used)


@dataclass(frozen=True)
class PeriodSummary:
    """One agreement's period: its balance, the minutes of each kind, and whether it is closed."""

    agreement: Agreement
    balance: ledger.Balance
    minutes: dict[str, int]
    closed: bool
    # The agreement's first period not yet closed for invoicing (periods close in order); set by the overview.
    first_open: date | None = None

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


def agreements_in_force(day: date, among: QuerySet[Agreement] | None = None) -> list[Agreement]:
    """The agreement that governs each customer on ``day`` (the latest-starting one in force), by customer name."""
    agreements = Agreement.objects.in_force(day)
    if among is not None:
        agreements = agreements.filter(pk__in=among.values("pk"))
    latest: dict[int, Agreement] = {}
    for agreement in agreements.select_related("organisation"):
        current = latest.get(agreement.organisation_id)
        if current is None or agreement.valid_from > current.valid_from:
            latest[agreement.organisation_id] = agreement
    return sorted(latest.values(), key=lambda a: a.organisation.name)


def _last_closed(agreements: list[Agreement]) -> dict[int, tuple[date, int]]:
    """Per agreement, the start of its last closed period and the newest closing's id. Periods close in order, so
    every period up to that start is closed too."""
    rows = (
        ClosedPeriod.objects.filter(agreement__in=agreements)
        .values("agreement_id")
        .annotate(last=Max("start"), newest=Max("pk"))
        .order_by()
    )
    return {row["agreement_id"]: (row["last"], row["newest"]) for row in rows}


def _closed_sums(
    agreements: list[Agreement], last: dict[int, tuple[date, int]]
) -> dict[int, dict[date, dict[str, int]]]:
    """The sums of the closed periods of these agreements (those that carry hours over need their history).

    A closed period's entries never change (a late correction goes into the next open period), so its sums are
    kept in the cache under the last closing: closing another period makes a new key, and only a cold cache
    costs a query."""
    keys = {a.pk: f"timesheets:closed-sums:{a.pk}:{last[a.pk][1]}:{last[a.pk][0]}" for a in agreements if a.pk in last}
    cached = cache.get_many(list(keys.values()))
    found = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        condition = Q(pk__in=[])
        for pk in missing:
            condition |= Q(agreement_id=pk, period_start__lte=last[pk][0])
        fresh: dict[int, dict[date, dict[str, int]]] = {pk: {} for pk in missing}
        rows = TimeEntry.objects.filter(condition).values("agreement_id", "period_start", "kind")
        for row in rows.annotate(total=Sum("minutes")).order_by():
            fresh[row["agreement_id"]].setdefault(row["period_start"], {})[row["kind"]] = row["total"] or 0
        cache.set_many({keys[pk]: sums for pk, sums in fresh.items()}, timeout=None)
        found |= fresh
    return found


def overview(day: date, among: QuerySet[Agreement] | None = None) -> list[PeriodSummary]:
    """Every customer's agreement in force on ``day`` (of ``among``, when given), with the period holding it: three
    queries in all, whatever the number of customers and entries, and a fourth when the cache is cold.

    Only open periods are summed from the entries: the chosen period, and for an agreement that carries unused
    hours over, every open period before it too; the closed ones' sums come from :func:`_closed_sums`."""
    chosen = agreements_in_force(day, among)
    if not chosen:
        return []
    starts = {a.pk: period_of(a, day).start for a in chosen}
    last = _last_closed(chosen)
    first_open = {a.pk: period_of(a, last[a.pk][0]).end if a.pk in last else first_period(a).start for a in chosen}
    carrying = [a for a in chosen if carry_cap(a) is not None]
    sums = {pk: dict(history) for pk, history in _closed_sums(carrying, last).items()}
    # The periods read from the entries, per agreement: from ``since`` up to the chosen one.
    since = {a.pk: starts[a.pk] for a in chosen} | {a.pk: first_open[a.pk] for a in carrying}
    rows = TimeEntry.objects.filter(
        agreement_id__in=list(starts),
        period_start__gte=min(min(since[pk], starts[pk]) for pk in starts),
        period_start__lte=day,
    ).values("agreement_id", "period_start", "kind")
    for row in rows.annotate(total=Sum("minutes")).order_by():
        pk, start = row["agreement_id"], row["period_start"]
        if since[pk] <= start <= starts[pk]:
            sums.setdefault(pk, {}).setdefault(start, {})[row["kind"]] = row["total"] or 0
    summaries = []
    for agreement in chosen:
        own = sums.get(agreement.pk, {})
        start = starts[agreement.pk]
        # Where unused hours lapse, a period's balance is its own alone: the periods before it need no reckoning.
        if carry_cap(agreement) is None:
            balance = _balances_of(agreement, [period_of(agreement, day)], own)[-1]
        else:
            balance = _balances(agreement, start, own)[-1]
        closed = start < first_open[agreement.pk]
        summaries.append(PeriodSummary(agreement, balance, own.get(start, {}), closed, first_open[agreement.pk]))
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
