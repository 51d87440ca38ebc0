"""Reads of agreements: which one is in force for a customer, and an agreement with its terms.

Every new request and every request page asks; agreements change a few times a month. So every process keeps
one copy of all agreements with their customers, calendars and targets (a few hundred rows, read at once) until any of
them changes anywhere (:mod:`tuki.core.versioned`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from tuki.accounts.models import Organisation
from tuki.agreements.models import Agreement, CalendarException, CalendarHours, ServiceCalendar, SlaTarget
from tuki.core.versioned import Versioned


@dataclass(frozen=True)
class _Agreements:
    by_id: dict[int, Agreement]
    by_organisation: dict[int, list[Agreement]]  # the latest-starting first


def _load() -> _Agreements:
    by_id = {agreement.pk: agreement for agreement in _with_terms().order_by("-valid_from", "-pk")}
    by_organisation: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in by_id.values():
        by_organisation[agreement.organisation_id].append(agreement)
    return _Agreements(by_id, dict(by_organisation))


AGREEMENTS: Versioned[_Agreements] = Versioned("agreements", _load)


def _with_terms() -> QuerySet[Agreement]:
    related = ("organisation", "service_calendar", "on_call_calendar")
    return Agreement.objects.select_related(*related).prefetch_related("targets")


def agreement_for(organisation_id: int, day: date) -> Agreement | None:
    """The organisation's agreement in force on ``day`` (the latest-starting one if several overlap)."""
    candidates = AGREEMENTS.get().by_organisation.get(organisation_id, [])
    return next((agreement for agreement in candidates if agreement.is_valid_on(day)), None)


def agreement_get(agreement_id: int) -> Agreement | None:
    """An agreement by id with its calendars and targets."""
    agreement = AGREEMENTS.get().by_id.get(agreement_id)
    if agreement is None:  # made after this process's copy was loaded, and not announced yet
        agreement = _with_terms().filter(pk=agreement_id).first()
    return agreement


def organisations_in_force(day: date) -> frozenset[int]:
    """The organisations with an agreement in force on ``day`` (the mail intake asks this of every message)."""
    every = AGREEMENTS.get().by_organisation.items()
    return frozenset(organisation for organisation, agreements in every if any(a.is_valid_on(day) for a in agreements))


def agreements_in_force(day: date, among: Collection[int] | None = None) -> list[Agreement]:
    """The agreement that governs each customer on ``day`` (the latest-starting one in force; of the agreements
    ``among``, when given), with its customer, by customer name: from this process's copy, without a query."""
    found = []
    for agreements in AGREEMENTS.get().by_organisation.values():
        chosen = next(
            (a for a in agreements if a.is_valid_on(day) and (among is None or a.pk in among)),
            None,
        )
        if chosen is not None:
            found.append(chosen)
    return sorted(found, key=lambda agreement: agreement.organisation.name)


def agreements_forget() -> None:
    """Make every process load the agreements afresh once the current transaction commits."""
    AGREEMENTS.changed()


# The copy holds each agreement's customer too: its name is shown and sorted by.
AGREEMENTS.follows(Agreement, Organisation, SlaTarget, ServiceCalendar, CalendarHours, CalendarException)
