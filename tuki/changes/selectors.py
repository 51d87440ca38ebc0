"""Reads of change records and of an environment's timeline, always through the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeEvent
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.environments.models import Component, Environment, EnvironmentEvent, Lifecycle


def change_pk_from_identifier(identifier: str) -> int:
    prefix, _, number = identifier.upper().partition("-")
    if prefix != settings.TUKI_CHANGE_PREFIX.upper() or not number.isdigit():
        raise Http404
    return int(number)


def change_get(user: User, identifier: str) -> Change:
    """The change for its page, if ``user`` may see it; otherwise it does not exist (404)."""
    queryset = Change.objects.select_related("organisation", "implementer", "approved_by", "acknowledged_by")
    return get_visible_or_404(user, queryset, pk=change_pk_from_identifier(identifier))


def change_list(user: User) -> QuerySet[Change]:
    return visible_to(user, Change).select_related("organisation").prefetch_related("environments")


def change_history(user: User, change: Change) -> QuerySet[ChangeEvent]:
    return visible_to(user, ChangeEvent).filter(change=change).select_related("actor")


def environment_get(user: User, pk: int) -> Environment:
    return get_visible_or_404(user, Environment.objects.select_related("organisation"), pk=pk)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # "environment", "version" or "change"
    field: str = ""
    before: str = ""
    after: str = ""
    component: str = ""
    # A change's, for a "change" entry: its primary key (its identifier and address come from it), title and state.
    change_pk: int = 0
    title: str = ""
    state: str = ""

    @property
    def identifier(self) -> str:
        return Change.identifier_of(self.change_pk)


def environment_timeline(user: User, environment: Environment, *, limit: int | None = None) -> list[TimelineEntry]:
    """The environment's life, newest first: its lifecycle and field changes, its versions, its changes.

    Both histories are read through ``user``'s scope, so a contact sees no internal field's history and no draft.
    With ``limit``, only the newest that many: each history gives at most that many of its newest, so an
    environment with years of changes reads a page's worth, not its whole life. Read as bare tuples of what the
    timeline shows: a change row in full (its description, risk, plan) would cost more than the page.
    """
    events = (
        visible_to(user, EnvironmentEvent)
        .filter(environment=environment)
        .values_list("created_at", "component_id", "field", "before", "after", "component__name")
    )
    changes = (
        visible_to(user, Change)
        .filter(environments=environment)
        .annotate(moment=Coalesce("actual_end", "planned_start", "created_at"))
        .values_list("moment", "pk", "title", "state")
    )
    if limit is not None:
        events = events.order_by("-created_at", "-pk")[:limit]
        changes = changes.order_by("-moment", "-pk")[:limit]
    entries = [
        TimelineEntry(
            at=at,
            kind="version" if component_id and field == "version" else "environment",
            field=field,
            before=before,
            after=after,
            component=component or "",
        )
        for at, component_id, field, before, after, component in events
    ]
    entries += [
        TimelineEntry(at=moment, kind="change", change_pk=pk, title=title, state=state)
        for moment, pk, title, state in changes
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def environments_taking_changes(user: User, organisation_id: int) -> QuerySet[Environment]:
    """The customer's environments that still take changes, as ``user`` may see them (the service checks again)."""
    return visible_to(user, Environment).filter(organisation_id=organisation_id).exclude(lifecycle=Lifecycle.RETIRED)


def components_of(user: User, environments: QuerySet[Environment]) -> QuerySet[Component]:
    return visible_to(user, Component).filter(environment__in=environments).select_related("environment")
