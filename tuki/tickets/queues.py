"""The desk's queues: which requests, filtered how, sorted how. Filter and sort keys come from allow-lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from tuki.accounts.models import User
from tuki.core.pages import page_number
from tuki.core.scoping import visible_to
from tuki.search.query import parse
from tuki.tickets.models import OPEN_STATES, State, Ticket
from tuki.tickets.search import ranked_ids, search, ticket_snippets

QUEUES: dict[str, Any] = {
    "unassigned": gettext_lazy("Unassigned"),
    "mine": gettext_lazy("Mine"),
    "unread": gettext_lazy("New messages"),
    "open": gettext_lazy("All open"),
    "waiting": gettext_lazy("Waiting for customer"),
    "risk": gettext_lazy("At risk or breached"),
    "all": gettext_lazy("All"),
}
SORTS: dict[str, tuple[Any, ...]] = {
    "due": (F("resolution_due").asc(nulls_last=True), "created_at"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
    "priority": ("priority", F("resolution_due").asc(nulls_last=True)),
    "updated": ("-updated_at",),
}
SORT_LABELS: dict[str, Any] = {
    "due": gettext_lazy("Nearest deadline"),
    "newest": gettext_lazy("Newest"),
    "oldest": gettext_lazy("Oldest"),
    "priority": gettext_lazy("Priority"),
    "updated": gettext_lazy("Recently updated"),
    "relevance": gettext_lazy("Best match"),  # with a search (the default then); without one, nearest deadline
}
FILTERS = {
    "organisation": "organisation_id",
    "state": "state",
    "priority": "priority",
    "kind": "kind",
    "assignee": "assignee_id",
    "environment": "environment_id",
}
PAGE_SIZE = 50


def queue_filter(name: str, user: User, now: datetime) -> Q:
    open_ = Q(state__in=OPEN_STATES)
    return {
        "unassigned": open_ & Q(assignee__isnull=True),
        "mine": open_ & Q(assignee_id=user.pk),
        "unread": open_ & _unread(),
        "open": open_,
        "waiting": Q(state=State.WAITING),
        "risk": open_ & _at_risk(now),
        "all": Q(),
    }[name]


def _unread() -> Q:
    """A customer's message no agent has read yet (see ``ticket_reply``)."""
    return Q(unread_message_at__isnull=False)


def _at_risk(now: datetime) -> Q:
    return Q(resolution_warn_at__lte=now) | Q(first_response_warn_at__lte=now, first_responded_at__isnull=True)


SLA_FILTERS = ("breached", "at_risk", "paused", "running")  # the values sla_filter knows, in the order offered


def sla_filter(value: str, now: datetime) -> Q:
    return {
        "breached": Q(state__in=OPEN_STATES, resolution_due__lte=now),
        "at_risk": Q(state__in=OPEN_STATES, resolution_warn_at__lte=now, resolution_due__gt=now),
        "paused": Q(state=State.WAITING),
        "running": Q(state__in=OPEN_STATES, resolution_warn_at__gt=now),
    }.get(value, Q())


@dataclass(frozen=True)
class QueuePage:
    tickets: list[Ticket]
    page: int
    has_next: bool
    # With a search: each shown request's words around the match, highlighted (escaped HTML).
    snippets: dict[int, SafeString] = field(default_factory=dict)


def queue_page(user: User, params: Mapping[str, str], now: datetime) -> QueuePage:
    """One page of a queue. Fetches one row more than shown instead of counting the whole queue."""
    queue = params.get("queue", "open")
    queryset = visible_to(user, Ticket).filter(queue_filter(queue if queue in QUEUES else "open", user, now))
    for key, column in FILTERS.items():
        value = params.get(key, "")
        if value == "none" and key in ("assignee", "environment"):
            queryset = queryset.filter(**{column: None})
        elif value:
            queryset = queryset.filter(**{column: value})
    queryset = queryset.filter(sla_filter(params.get("sla", ""), now))
    text = params.get("q", "").strip()
    query = parse(text)
    # A search is sorted by relevance unless another sort is chosen; without one the nearest deadline comes first.
    order = SORTS.get(params.get("sort", "")) or (None if text else SORTS["due"])
    page = page_number(params.get("page", ""), last=1_000_000)
    start = (page - 1) * PAGE_SIZE
    # A customer filter narrows the search inside the index too, before any request's row is read.
    organisation = params.get("organisation", "")
    organisation_id = int(organisation) if organisation.isdigit() else None
    page_ids: Any
    if order is None:  # the ranked ids first (one query), then their rows, put in the ids' order
        page_ids = ranked_ids(
            queryset,
            query,
            public_only=False,
            start=start,
            stop=start + PAGE_SIZE + 1,
            organisation_id=organisation_id,
        )
    else:
        if text:
            queryset = search(queryset, query, public_only=False, organisation_id=organisation_id)
        # The page's rows are chosen by primary key first: that sort reads only the filter and sort columns (from
        # an index where one covers them), and only the rows shown are then joined to customer, requester and
        # assignee.
        page_ids = queryset.order_by(*order).values("pk")[start : start + PAGE_SIZE + 1]
    rows = list(
        Ticket.objects.filter(pk__in=page_ids)
        .select_related("organisation", "requester__user", "assignee")
        .only(*ROW_FIELDS, *(["description"] if text else []))
        .order_by(*(order or ()))
    )
    if order is None:
        position = {pk: index for index, pk in enumerate(page_ids)}
        rows.sort(key=lambda ticket: position[ticket.pk])
    tickets = rows[:PAGE_SIZE]
    snippets = ticket_snippets(tickets, query, public_only=False) if text else {}
    return QueuePage(tickets=tickets, page=page, has_next=len(rows) > PAGE_SIZE, snippets=snippets)


ROW_FIELDS = (
    "pk",
    "subject",
    "state",
    "priority",
    "kind",
    "created_at",
    "updated_at",
    "resolution_due",
    "resolution_warn_at",
    "resolved_at",
    "unread_message_at",
    "agreement_id",
    "organisation__name",
    "requester__user__full_name",
    "assignee__full_name",
)


def queue_counts(user: User, now: datetime) -> dict[str, int]:
    """How many requests wait in each working queue (not "all": counting everything is never cheap).

    One pass over the open requests: every working queue holds open requests only, and an index on the
    state and the counted columns answers it without reading the table. The counts' conditions leave out
    the state test the scan has already made (repeating it in every count doubled the query's time), and
    count a column of that index, so that the rows themselves are never read.
    """
    base = visible_to(user, Ticket).filter(state__in=OPEN_STATES)
    within_open = {
        "unassigned": Q(assignee__isnull=True),
        "mine": Q(assignee_id=user.pk),
        "unread": _unread(),
        "open": Q(),
        "waiting": Q(state=State.WAITING),
        "risk": _at_risk(now),
    }
    counts = base.aggregate(**{name: Count("state", filter=test or None) for name, test in within_open.items()})
    return {name: counts[name] for name in within_open}
