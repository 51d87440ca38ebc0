"""Reads of time and the quota. The quota's figures come from the running totals per agreement, period and kind
(:mod:`tuki.timesheets.totals`, a few rows per period whatever the number of entries), the rest from one aggregate
per page, and :mod:`tuki.timesheets.ledger` turns the sums into balances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tuki.accounts.models import User
from tuki.agreements import selectors as agreement_reads
from tuki.agreements.models import Agreement
from tuki.changes.models import Change
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.core.versioned import Versioned
from tuki.tickets.models import Ticket
from tuki.timesheets import ledger, totals
from tuki.timesheets.models import ClosedPeriod, Estimate, EstimateState, TimeEntry, Timer, WorkKind
from tuki.timesheets.terms import carry_cap, first_period, period_of, quota_minutes


def _sums(agreement_ids: Iterable[int], through: date) -> dict[int, dict[date, dict[str, int]]]:
    """Minutes per agreement, period start and kind, for every period up to ``through``: one query over the running
    totals (:mod:`tuki.timesheets.totals`), not over the entries."""
    return totals.sums(agreement_ids, through=through)


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
    last = LAST_CLOSED.get().get(agreement.pk)
    closed = last is not None and period.start <= last[0]  # periods close in order
    return PeriodSummary(agreement, balance, sums.get(period.start, {}), closed)


def agreement_balances(agreement: Agreement, through: date) -> list[ledger.Balance]:
    """Every period of the agreement from its first to the one that holds ``through``."""
    period = period_of(agreement, through)
    return _balances(agreement, period.start, _sums([agreement.pk], period.start).get(agreement.pk, {}))


def agreements_in_force(day: date, among: QuerySet[Agreement] | None = None) -> list[Agreement]:
    """The agreement that governs each customer on ``day`` (the latest-starting one in force), by customer name: the
    agreements kept in each process (:func:`tuki.agreements.selectors.agreements_in_force`), narrowed to ``among``
    by their ids (one query of ids instead of building every agreement and customer from its row)."""
    return agreement_reads.agreements_in_force(day, None if among is None else set(among.values_list("pk", flat=True)))


def _load_last_closed() -> dict[int, tuple[date, int]]:
    rows = ClosedPeriod.objects.values("agreement_id").annotate(last=Max("start"), newest=Max("pk")).order_by()
    return {row["agreement_id"]: (row["last"], row["newest"]) for row in rows}


# Per agreement, the start of its last closed period and the newest closing's id. A manager closes a period about
# once a month per customer, and every overview and export asks: each process keeps them until one is closed.
LAST_CLOSED: Versioned[dict[int, tuple[date, int]]] = Versioned("last-closed-periods", _load_last_closed)
LAST_CLOSED.follows(ClosedPeriod)


def _last_closed(agreements: list[Agreement]) -> dict[int, tuple[date, int]]:
    """Per agreement, the start of its last closed period and the newest closing's id. Periods close in order, so
    every period up to that start is closed too."""
    every = LAST_CLOSED.get()
    return {a.pk: every[a.pk] for a in agreements if a.pk in every}


# The closed periods' sums of each agreement that carries hours over, under the key of its last closing: a closed
# period's sums never change, so a process keeps them as long as the key holds (one entry per agreement).
_CLOSED_SUMS: dict[int, tuple[str, dict[date, dict[str, int]]]] = {}


def _closed_sums(
    agreements: list[Agreement], last: dict[int, tuple[date, int]]
) -> dict[int, dict[date, dict[str, int]]]:
    """The sums of the closed periods of these agreements (those that carry hours over need their history).

    A closed period's entries never change (a late correction goes into the next open period), so its sums are
    kept under the last closing, in this process and in the shared cache: closing another period makes a new
    key, and only a cold cache costs a query."""
    keys = {a.pk: f"timesheets:closed-sums:{a.pk}:{last[a.pk][1]}:{last[a.pk][0]}" for a in agreements if a.pk in last}
    found = {}
    for pk, key in keys.items():
        kept = _CLOSED_SUMS.get(pk)
        if kept is not None and kept[0] == key:
            found[pk] = kept[1]
    if len(found) < len(keys):
        shared = cache.get_many([key for pk, key in keys.items() if pk not in found])
        found |= {pk: shared[key] for pk, key in keys.items() if key in shared}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        condition = Q(pk__in=[])
        for pk in missing:
            condition |= Q(agreement_id=pk, period_start__lte=last[pk][0])
        fresh: totals.Sums = {pk: {} for pk in missing} | dict(totals.sums_where(condition))
        cache.set_many({keys[pk]: sums for pk, sums in fresh.items()}, timeout=None)
        found |= fresh
    for pk, sums in found.items():
        _CLOSED_SUMS[pk] = (keys[pk], sums)
    return found


def overview(day: date, among: QuerySet[Agreement] | None = None) -> list[PeriodSummary]:
    """Every customer's agreement in force on ``day`` (of ``among``, when given), with the period holding it: two
    queries (the ids of ``among``, the running totals), whatever the number of customers and entries, and a third
    when the closed periods' sums are cold. The agreements and their last closings are kept in each process.

    Only open periods are read from the totals: the chosen period, and for an agreement that carries unused hours
    over, every open period before it too; the closed ones' sums come from :func:`_closed_sums`."""
    chosen = agreements_in_force(day, among)
    if not chosen:
        return []
    starts = {a.pk: period_of(a, day).start for a in chosen}
    last = _last_closed(chosen)
    first_open = {a.pk: period_of(a, last[a.pk][0]).end if a.pk in last else first_period(a).start for a in chosen}
    carrying = [a for a in chosen if carry_cap(a) is not None]
    sums = {pk: dict(history) for pk, history in _closed_sums(carrying, last).items()}
    # The periods read from the totals, per agreement: from ``since`` up to the chosen one.
    since = {a.pk: starts[a.pk] for a in chosen} | {a.pk: first_open[a.pk] for a in carrying}
    for pk, history in totals.sums(starts, since=min(since.values()), through=day).items():
        for start, minutes in history.items():
            if since[pk] <= start <= starts[pk]:
                sums.setdefault(pk, {})[start] = minutes
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
    """The entries of one period that ``user`` may see, oldest first (a page reads the fields it shows)."""
    entries = TimeEntry.objects.filter(agreement=agreement, period_start=period_start)
    return visible_to(user, entries).order_by("day", "created_at", "pk")


def seen_minutes(user: User, summary: PeriodSummary) -> dict[str, int]:
    """The minutes of each kind in the summary's period that ``user`` may see: the period's totals for whoever sees
    every request of the customer (staff, a customer manager; time on changes is the customer's for every contact),
    without a query; for a contact who may see only some requests, :func:`period_minutes_by_kind`."""
    if Ticket.sees_all_of_customer(user):
        return dict.fromkeys(WorkKind.values, 0) | summary.minutes
    return period_minutes_by_kind(user, summary.agreement, summary.balance.period.start)


def period_minutes_by_kind(user: User, agreement: Agreement, period_start: date) -> dict[str, int]:
    """The minutes of each kind in the entries of one period that ``user`` may see (corrections included): one
    aggregate, however many entries."""
    totals = dict.fromkeys(WorkKind.values, 0)
    rows = (
        visible_to(user, TimeEntry.objects.filter(agreement=agreement, period_start=period_start))
        .values("kind")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    for row in rows:
        totals[row["kind"]] = row["total"] or 0
    return totals


def ticket_time(user: User, ticket: Ticket) -> tuple[list[TimeEntry], dict[str, int]]:
    """A request's entries that ``user`` may see, and their minutes by kind (corrections included)."""
    return _with_totals(visible_to(user, TimeEntry).filter(ticket=ticket))


def change_time(user: User, change: Change) -> tuple[list[TimeEntry], dict[str, int]]:
    """A change's entries that ``user`` may see, and their minutes by kind (corrections included)."""
    return _with_totals(visible_to(user, TimeEntry).filter(change=change))


def _with_totals(entries: QuerySet[TimeEntry]) -> tuple[list[TimeEntry], dict[str, int]]:
    found = list(entries.select_related("author").order_by("day", "pk"))
    totals: dict[str, int] = defaultdict(int)
    for entry in found:
        totals[entry.kind] += entry.minutes
    return found, dict(totals)


def environment_minutes(user: User, environment_id: int) -> dict[str, int]:
    """The minutes by kind spent on an environment: on its requests and on the changes that touch it. One query."""
    on_changes = Change.environments.through.objects.filter(environment_id=environment_id).values("change_id")
    rows = (
        visible_to(user, TimeEntry)
        .filter(Q(ticket__environment_id=environment_id) | Q(change_id__in=on_changes))
        .values("kind")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return {row["kind"]: row["total"] or 0 for row in rows}


def additional_minutes(ticket_id: int) -> int:
    """The additional work billed through a request's estimate, corrections included: on the request itself and on
    the changes made for it that its estimate covered."""
    total = TimeEntry.objects.filter(billed_request_id=ticket_id, kind=WorkKind.ADDITIONAL).aggregate(
        total=Sum("minutes")
    )
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


@dataclass(frozen=True)
class RequestTime:
    """What the desk's request page shows of time: the minutes of each kind, and the request's estimate."""

    minutes: dict[str, int]
    estimate: Estimate | None

    @property
    def total(self) -> int:
        return sum(self.minutes.values())


def _load_estimated() -> frozenset[int]:
    return frozenset(Estimate.objects.values_list("ticket_id", flat=True))


# The requests that have an estimate: few of them (additional work is the exception), asked on every request page.
# Each process keeps their ids until an estimate is made or removed, and reads the estimate only where there is one.
ESTIMATED: Versioned[frozenset[int]] = Versioned("estimated-requests", _load_estimated)


@receiver(post_save, sender=Estimate)
def _estimate_saved(created: bool = False, **kwargs: object) -> None:
    if created:
        ESTIMATED.changed()


@receiver(post_delete, sender=Estimate)
def _estimate_removed(**kwargs: object) -> None:
    ESTIMATED.changed()


def request_time(user: User, ticket: Ticket) -> RequestTime:
    """The request's minutes by kind (corrections included), one aggregate over its entries whatever their number,
    and its estimate with who proposed and decided it. ``ticket`` is one the user may see: its entries and its
    estimate are visible with it (VISIBLE_WITH)."""
    minutes = dict.fromkeys(WorkKind.values, 0)
    sums = visible_to(user, TimeEntry).filter(ticket=ticket).values_list("kind").annotate(Sum("minutes")).order_by()
    for kind, total in sums:
        minutes[kind] = total or 0
    estimate = None
    if ticket.pk in ESTIMATED.get():
        found = visible_to(user, Estimate).filter(ticket=ticket).select_related("proposed_by", "decided_by")
        estimate = found.order_by().first()
    return RequestTime(minutes, estimate)


def _load_timer_owners() -> frozenset[int]:
    return frozenset(Timer.objects.values_list("agent_id", flat=True).distinct())


# The agents who have a timer at all. Every request page asks for the agent's timers, and most of the time an agent
# has none: each process keeps the few ids (one cache lookup, tuki.core.versioned) and asks for the timers themselves
# only of an agent who has one. Only making or removing a timer changes the set; pausing and resuming do not.
TIMER_OWNERS: Versioned[frozenset[int]] = Versioned("timer-owners", _load_timer_owners)


@receiver(post_save, sender=Timer)
def _timer_saved(created: bool = False, **kwargs: object) -> None:
    if created:
        TIMER_OWNERS.changed()


@receiver(post_delete, sender=Timer)
def _timer_removed(**kwargs: object) -> None:
    TIMER_OWNERS.changed()


def agent_timers(user: User) -> list[Timer]:
    """The agent's timers on any request, with the requests: at most one running."""
    if user.pk not in TIMER_OWNERS.get():
        return []
    return list(visible_to(user, Timer).filter(agent=user).select_related("ticket"))


def timer_for(user: User, pk: int) -> Timer:
    """One timer the user may see (the supplier's staff see any; the services refuse another agent's), or 404."""
    return get_visible_or_404(user, Timer.objects.select_related("ticket"), pk=pk)


@dataclass(frozen=True)
class UnitCostRow:
    name: str  # "" for the requests without a business unit
    minutes: int  # rounded half up to the minute, for showing
    amount: Decimal


@dataclass(frozen=True)
class PeriodCosts:
    """A period's additional costs by business unit, as ``user`` may see them."""

    units: list[UnitCostRow]
    minutes: int
    amount: Decimal


def period_costs(user: User, agreement: Agreement, period_start: date) -> PeriodCosts:
    """The additional work of the requests ``user`` may see, counted in one period, by business unit: each request's
    minutes (and apart from them, its late corrections) priced at the agreement's hourly rate and split as the
    customer manager decided, or all on the request's own unit, exactly as the invoicing export does
    (:func:`ledger.split_line`). Two queries."""
    worked = (
        visible_to(user, TimeEntry)
        .filter(agreement=agreement, period_start=period_start, kind=WorkKind.ADDITIONAL)
        .values("billed_request_id", "billed_request__business_unit_id", "billed_request__business_unit__name", "late")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    rows = [row for row in worked if row["total"]]
    names: dict[int | None, str] = {None: ""}
    splits: dict[int, dict[int | None, int]] = defaultdict(dict)
    if rows:
        estimates = (
            visible_to(user, Estimate)
            .filter(ticket_id__in=[row["billed_request_id"] for row in rows])
            .values("ticket_id", "shares__business_unit_id", "shares__business_unit__name", "shares__percent")
        )
        for share in estimates:
            unit = share["shares__business_unit_id"]
            if unit is not None:
                splits[share["ticket_id"]][unit] = share["shares__percent"]
                names[unit] = share["shares__business_unit__name"]
    lines = []
    for row in rows:
        ticket_id, own_unit = row["billed_request_id"], row["billed_request__business_unit_id"]
        names.setdefault(own_unit, row["billed_request__business_unit__name"] or "")
        split = splits.get(ticket_id) or {own_unit: 100}
        lines.append(ledger.CostLine(row["total"], agreement.hourly_rate, split))
    by_unit = ledger.costs_by_unit(lines)
    units = [
        UnitCostRow(names[unit], int(cost.minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP)), cost.amount)
        for unit, cost in by_unit.items()
    ]
    units.sort(key=lambda row: (row.name == "", row.name.casefold()))
    return PeriodCosts(
        units,
        sum(line.minutes for line in lines),
        sum((cost.amount for cost in by_unit.values()), Decimal("0.00")),
    )


def minutes_by_kind(entries: Iterable[TimeEntry]) -> dict[str, int]:
    """The minutes of each kind in ``entries`` (corrections included)."""
    totals = dict.fromkeys(WorkKind.values, 0)
    for entry in entries:
        totals[entry.kind] += entry.minutes
    return totals


def periods_to_choose(agreement: Agreement, today: date) -> list[ledger.Period]:
    """The agreement's periods up to the one holding today (or its end), newest first: at most three years' worth."""
    last = min(today, agreement.valid_until) if agreement.valid_until else today
    periods = ledger.periods_between(
        first_period(agreement).start, max(last, agreement.valid_from), agreement.quota_period
    )
    return periods[::-1][:36]
