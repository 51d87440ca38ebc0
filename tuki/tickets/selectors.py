"""Reads of support requests, always through the user's scope."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404

from tuki.accounts.models import User
from tuki.agreements.selectors import agreement_get
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.tickets.models import OPEN_STATES, Attachment, Ticket, TicketEvent


def ticket_pk_from_identifier(identifier: str) -> int:
    prefix, _, number = identifier.upper().partition("-")
    if prefix != settings.TUKI_REQUEST_PREFIX.upper() or not number.isdigit():
        raise Http404
    return int(number)


def ticket_get(user: User, identifier: str) -> Ticket:
    """The request for its page: with the people, places and pauses the page shows."""
    page = Ticket.objects.select_related(
        "organisation", "requester__user", "assignee", "business_unit", "environment"
    ).prefetch_related("pauses")
    return _visible_ticket(user, identifier, page)


def ticket_for_action(user: User, identifier: str) -> Ticket:
    """The request a form acts on, scoped as :func:`ticket_get`, without what only its page shows (relations,
    pauses): the service reads the row again under a lock anyway."""
    return _visible_ticket(user, identifier, Ticket.objects.all())


def _visible_ticket(user: User, identifier: str, queryset: QuerySet[Ticket]) -> Ticket:
    # get_visible_or_404 scopes the queryset itself: scoping it here too repeated a contact's conditions.
    ticket = get_visible_or_404(user, queryset, pk=ticket_pk_from_identifier(identifier))
    if ticket.agreement_id is not None:
        ticket.agreement = agreement_get(ticket.agreement_id)
    return ticket


_EVENT_FIELDS = [field.attname for field in TicketEvent._meta.concrete_fields]


def ticket_history(user: User, ticket: Ticket) -> list[TicketEvent]:
    """The request's events that ``user`` may see, oldest first; ``has_files`` tells which carry attachments, and
    ``files`` lists them (by upload).

    Most events carry no file, so attachments are read only for those that do, in one plain query (the prefetch
    machinery cost more than the query itself). Of the actors only the names are read: the history shows no more.
    """
    events: list[TicketEvent] = list(
        visible_to(user, TicketEvent)
        .filter(ticket=ticket)
        .select_related("actor")
        .only(*_EVENT_FIELDS, "actor__full_name")
        .annotate(has_files=Exists(Attachment.objects.filter(event=OuterRef("pk"))))
    )
    with_files = {event.pk: event for event in events if getattr(event, "has_files", False)}
    for event in events:
        event.files = []  # type: ignore[attr-defined]
    if with_files:
        for attachment in Attachment.objects.filter(event_id__in=with_files).order_by("created_at", "pk"):
            attachment.event = with_files[attachment.event_id]
            with_files[attachment.event_id].files.append(attachment)  # type: ignore[attr-defined]
    return events


def open_tickets(user: User) -> QuerySet[Ticket]:
    """Open requests, the nearest resolution deadline first (paused ones, without a deadline, last)."""
    return (
        visible_to(user, Ticket)
        .filter(state__in=OPEN_STATES)
        .select_related("organisation", "requester__user", "assignee")
        .order_by(F("resolution_due").asc(nulls_last=True), "created_at")
    )
