"""The running totals of the time ledger (:class:`~tuki.timesheets.models.PeriodTotal`): kept on every write,
read by the quota's pages.

Exact because the ledger only grows: an entry's minutes (negative for a correction) are added to its agreement's,
period's and kind's total in the transaction that inserts the entry, and every such transaction first locks the
agreement's row (``SELECT ... FOR UPDATE``; SQLite takes its one write lock at ``BEGIN IMMEDIATE``), so two writers
of one agreement add one after the other and a total never misses or doubles an entry. A rolled-back entry takes
its addition with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import F, Q

from tuki.timesheets.models import PeriodTotal, TimeEntry

Sums = dict[int, dict[date, dict[str, int]]]  # agreement id -> period start -> kind -> minutes


def add(entry: TimeEntry) -> None:
    """Count a newly inserted entry in its period's total. Call inside the transaction that inserted it, with the
    agreement's row locked (as :mod:`tuki.timesheets.services` does)."""
    key = {"agreement_id": entry.agreement_id, "period_start": entry.period_start, "kind": entry.kind}
    if not PeriodTotal.objects.filter(**key).update(minutes=F("minutes") + entry.minutes):
        PeriodTotal.objects.create(**key, minutes=entry.minutes)


def sums(agreement_ids: Iterable[int], since: date | None = None, through: date | None = None) -> Sums:
    """Minutes per agreement, period start and kind, of the periods starting from ``since`` to ``through`` (each
    bound optional): one query over the totals, however many entries."""
    condition = Q(agreement_id__in=list(agreement_ids))
    if since is not None:
        condition &= Q(period_start__gte=since)
    if through is not None:
        condition &= Q(period_start__lte=through)
    return sums_where(condition)


def sums_where(condition: Q) -> Sums:
    """As :func:`sums`, for the periods ``condition`` picks (in terms of PeriodTotal's fields)."""
    rows = PeriodTotal.objects.filter(condition).values_list("agreement_id", "period_start", "kind", "minutes")
    return _grouped(rows)


def _grouped(rows: Iterable[tuple[int, date, str, int]]) -> Sums:
    found: Sums = defaultdict(dict)
    for agreement_id, start, kind, minutes in rows:
        found[agreement_id].setdefault(start, {})[kind] = minutes
    return found
