"""Writes on support requests. Every caller (desk, portal, mail intake, API, jobs) goes through these.

Each service checks the actor's right itself, runs in one transaction, records an event, and keeps the
SLA deadlines stored on the row up to date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import BusinessUnit, Contact, User
from tuki.agreements.models import Priority
from tuki.agreements.selectors import agreement_for
from tuki.environments.models import Environment
from tuki.search.analysis import detect_language
from tuki.search.documents import Piece
from tuki.tickets.attachments import attachments_store
from tuki.tickets.deadlines import refresh_deadlines
from tuki.tickets.lifecycle import (
    CONTACT,
    STAFF,
    TransitionError,
    check_transition,
    may_reply,
    reopen_window_passed,
    resumes_on_reply,
    role_of,
    side_of,
)
from tuki.tickets.models import PAUSING_STATES, Channel, EventKind, Kind, SlaPause, State, Ticket, TicketEvent
from tuki.tickets.search import Source, index_append, index_inserted, index_new
from tuki.tickets.signals import announce_event, one_act


def _save(ticket: Ticket, now: datetime, fields: list[str]) -> None:
    ticket.updated_at = now
    ticket.save(update_fields=sorted({*fields, "updated_at"}))


def ticket_create(
    *,
    actor: User,
    requester: Contact,
    subject: str,
    description: str = "",
    priority: int = Priority.NORMAL,
    kind: str = Kind.INCIDENT,
    channel: str = Channel.PORTAL,
    environment: Environment | None = None,
    business_unit: BusinessUnit | None = None,
    cc: Sequence[Contact] = (),
    files: Sequence[UploadedFile] = (),
    submission_key: str | None = None,
    external_reference: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """File a request for a named contact of an organisation with an agreement in force.

    ``submission_key`` comes from the form: submitting the same form twice returns the first request.
    ``external_reference`` (the customer desk's own ticket number) works the same way per customer: filing it again
    returns the request it made first, whoever of the customer's people files it.
    """
    now = now or timezone.now()
    side = side_of(actor, requester.organisation_id)
    if side not in (STAFF, CONTACT) or (side == CONTACT and actor.pk != requester.user_id):
        raise PermissionDenied(_("You may not file a request on behalf of this person."))
    if not requester.is_active:
        raise ValidationError({"requester": _("This contact person is no longer active.")})
    agreement = agreement_for(requester.organisation_id, timezone.localdate(now))
    if agreement is None:
        raise ValidationError({"requester": _("The customer has no agreement in force.")})
    _check_same_organisation(requester.organisation_id, environment, business_unit, cc)
    ticket = Ticket(
        organisation_id=requester.organisation_id,
        requester=requester,
        agreement=agreement,
        priority=priority,
        kind=kind,
        channel=channel,
        environment=environment,
        business_unit_id=business_unit.pk if business_unit else requester.business_unit_id,
        subject=subject.strip(),
        description=description.strip(),
        submission_key=submission_key or None,
        external_reference=(external_reference or "").strip() or None,
        created_at=now,
        updated_at=now,
    )
    # The related rows were just loaded and checked above; re-reading each one would double the queries.
    ticket.full_clean(exclude=RELATED_FIELDS, validate_unique=False)  # the key's length too; its clash below
    refresh_deadlines(ticket, now)
    source = _search_source(ticket, requester, actor)
    index_new(ticket, source)
    try:
        with transaction.atomic():  # a savepoint only when the caller has a transaction open
            ticket.save()
            index_inserted(ticket, source)
            copies = [c for c in cc if c.pk != requester.pk]
            if copies:
                ticket.cc_contacts.set(copies)
            event = TicketEvent.objects.create(
                ticket=ticket, kind=EventKind.CREATED, actor=actor, created_at=now, data={"channel": channel}
            )
            if files:
                attachments_store(event=event, ticket=ticket, files=files, actor=actor)
            announce_event(event.pk)
    except IntegrityError:
        # The same form submitted again (a double click, a reload, the same moment from two tabs): the first
        # submission holds the unique key, and is the answer. Asking before the insert, or guarding the insert
        # with a savepoint of its own, would cost every filing one or two round trips to the database.
        earlier = submission_key and Ticket.objects.filter(submission_key=submission_key, requester=requester).first()
        if not earlier and ticket.external_reference:
            earlier = Ticket.objects.filter(
                organisation_id=ticket.organisation_id, external_reference=ticket.external_reference
            ).first()
        if earlier:
            return earlier
        raise
    return ticket


def _search_source(ticket: Ticket, requester: Contact, actor: User) -> Source:
    """What a new request is found by. The names come from the objects at hand where they are loaded already."""
    if Contact.user.is_cached(requester) and Contact.organisation.is_cached(requester):
        names = (requester.user.full_name, requester.organisation.name)
    else:
        names = Contact.objects.filter(pk=requester.pk).values_list("user__full_name", "organisation__name").get()
    author = requester.user.language if actor.pk == requester.user_id else actor.language
    # One language for the whole request, from all its text: a short subject alone says little.
    language = detect_language(f"{ticket.subject}\n{ticket.description}", default=author)
    return Source(
        ticket.subject,
        ticket.description,
        names[0],
        names[1],
        external_reference=ticket.external_reference or "",
        language=language,
    )


RELATED_FIELDS = ("organisation", "requester", "agreement", "environment", "business_unit", "assignee", "merged_into")


def _check_same_organisation(
    organisation_id: int,
    environment: Environment | None,
    business_unit: BusinessUnit | None,
    cc: Sequence[Contact],
) -> None:
    errors: dict[str, str] = {}
    if environment is not None and environment.organisation_id != organisation_id:
        errors["environment"] = _("The environment belongs to another customer.")
    if business_unit is not None and business_unit.organisation_id != organisation_id:
        errors["business_unit"] = _("The business unit belongs to another customer.")
    if any(c.organisation_id != organisation_id or not c.is_active for c in cc):
        errors["cc"] = _("Copies can go only to active named contact persons of the same customer.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_transition(*, actor: User | None, ticket: Ticket, to: str, now: datetime | None = None) -> Ticket:
    """Move the request to state ``to``, if the lifecycle table lets this actor make that move on it."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    role = role_of(actor, ticket)
    check_transition(role, ticket.state, to)
    if to == State.REOPENED and reopen_window_passed(role, ticket, now):
        raise TransitionError(_("The time for reopening this request has passed."))
    return _move(actor=actor, ticket=ticket, to=to, now=now)


def _move(*, actor: User | None, ticket: Ticket, to: str, now: datetime) -> Ticket:
    """Make a move already allowed, on a request locked by the caller."""
    previous = ticket.state
    fields = ["state"]
    _end_pause(ticket, now)
    if to in PAUSING_STATES:
        SlaPause.objects.create(ticket=ticket, started_at=now, reason=PAUSING_STATES[State(to)])
    if to == State.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    if to in (State.CLOSED, State.CANCELLED):
        ticket.closed_at = now
        fields.append("closed_at")
    ticket.state = to
    fields += refresh_deadlines(ticket, now)
    _save(ticket, now, fields)
    event = TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.TRANSITION, actor=actor, created_at=now, data={"from": previous, "to": to}
    )
    announce_event(event.pk)
    return ticket


def _touch_and_index(ticket: Ticket, now: datetime, piece: Piece) -> None:
    """The request's ``updated_at`` and its search index with ``piece``'s terms added, in one UPDATE."""
    changes: dict[str, object] = {"updated_at": now}
    index_append(ticket.pk, piece, changes)
    Ticket.objects.filter(pk=ticket.pk).update(**changes)


def _end_pause(ticket: Ticket, now: datetime) -> None:
    ticket.pauses.filter(ended_at__isnull=True).update(ended_at=now)


@transaction.atomic
def ticket_set_priority(*, actor: User, ticket: Ticket, priority: int, now: datetime | None = None) -> Ticket:
    """Change the priority; the deadlines are recomputed from the request's start under the new target."""
    now = now or timezone.now()
    if side_of(actor, ticket.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff may change the priority."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous = ticket.priority
    ticket.priority = Priority(priority)
    fields = ["priority", *refresh_deadlines(ticket, now)]
    _save(ticket, now, fields)
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.FIELD_CHANGE,
        actor=actor,
        created_at=now,
        data={"field": "priority", "from": previous, "to": priority},
    )
    return ticket


@transaction.atomic
def ticket_reply(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Sequence[UploadedFile] = (),
    assign_to_me: bool = False,
    now: datetime | None = None,
) -> TicketEvent:
    """A public reply. The staff's first one meets the response target; the customer's answer resumes work.

    The customer's message stays marked unread on the request until an agent answers (here) or opens its page
    (:func:`ticket_mark_read`). With ``assign_to_me``, an agent answering a request nobody has takes it.
    """
    now = now or timezone.now()
    role = role_of(actor, ticket)
    if not may_reply(role):
        raise PermissionDenied(_("You may not reply to this request."))
    if not body.strip():
        raise ValidationError({"body": _("Write a message before sending.")})
    changes: dict[str, object] = {"updated_at": now}
    # Only the reply's own terms are analysed and added: the request's history is never read again.
    index_append(ticket.pk, Piece(body, "C", actor.language), changes)
    if role == STAFF:  # the staff's first reply meets the response target; later ones leave the time be
        changes["first_responded_at"] = Coalesce("first_responded_at", Value(now, output_field=DateTimeField()))
        changes["unread_message_at"] = None  # whoever answers has read what the customer wrote
    else:
        changes["unread_message_at"] = now
    # One UPDATE, which also takes the request's row lock: a closed or cancelled request takes no reply.
    if not Ticket.objects.filter(pk=ticket.pk).exclude(state__in=(State.CLOSED, State.CANCELLED)).update(**changes):
        raise ValidationError({"body": _("This request is closed; file a new one instead.")})
    if assign_to_me and role == STAFF:
        _take(actor=actor, ticket=ticket, now=now)
    event = TicketEvent.objects.create(ticket=ticket, kind=EventKind.REPLY, actor=actor, body=body, created_at=now)
    if files:
        attachments_store(event=event, ticket=ticket, files=files, actor=actor)
    if role != STAFF:  # the row is already ours: the UPDATE above took its lock
        waiting = Ticket.objects.select_for_update().filter(pk=ticket.pk, state=State.WAITING).first()
        if waiting is not None and resumes_on_reply(role, waiting.state):
            # The customer has answered: the reply's effect, whoever of the customer's people sent it (lifecycle.py).
            _move(actor=actor, ticket=waiting, to=State.IN_PROGRESS, now=now)
    announce_event(event.pk)
    return event


def _take(*, actor: User, ticket: Ticket, now: datetime) -> None:
    """Assign the request to ``actor`` if nobody has it (a conditional UPDATE: someone else's never changes)."""
    if Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(assignee=actor, updated_at=now):
        ticket.assignee = actor
        event = TicketEvent.objects.create(
            ticket=ticket,
            kind=EventKind.ASSIGNMENT,
            actor=actor,
            public=False,
            created_at=now,
            data={"from": None, "to": actor.pk},
        )
        announce_event(event.pk)


def ticket_mark_read(*, actor: User, ticket: Ticket) -> bool:
    """An agent has seen the customer's messages on ``ticket`` (its page shows them); True if it was unread.

    Cleared only if no newer message came in since ``ticket`` was read: one that arrived while the page was being
    made stays unread. One conditional UPDATE, so callers make it only when the row they hold says unread.
    """
    if side_of(actor, ticket.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff can mark a message read."))
    if ticket.unread_message_at is None:
        return False
    seen = ticket.unread_message_at
    ticket.unread_message_at = None
    return bool(Ticket.objects.filter(pk=ticket.pk, unread_message_at=seen).update(unread_message_at=None))


@transaction.atomic
def ticket_note(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> TicketEvent:
    """An internal note: seen by the supplier's staff only."""
    now = now or timezone.now()
    if side_of(actor, ticket.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff may write internal notes."))
    if not body.strip():
        raise ValidationError({"body": _("Write a message before sending.")})
    event = TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.NOTE, actor=actor, body=body, public=False, created_at=now
    )
    if files:
        attachments_store(event=event, ticket=ticket, files=files, actor=actor)
    _touch_and_index(ticket, now, Piece(body, "D", actor.language))
    return event


@transaction.atomic
def ticket_log_call(
    *, actor: User, ticket: Ticket, caller: Contact, body: str, now: datetime | None = None
) -> TicketEvent:
    """A phone call about an existing request, logged by an agent; the caller sees it in the portal."""
    now = now or timezone.now()
    if side_of(actor, ticket.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff may log calls."))
    if caller.organisation_id != ticket.organisation_id or not caller.is_active:
        raise ValidationError({"caller": _("The caller must be an active named contact person of this customer.")})
    if not body.strip():
        raise ValidationError({"body": _("Write down what was said.")})
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.PHONE,
        actor=actor,
        body=body,
        created_at=now,
        data={"caller": caller.pk, "caller_name": caller.user.full_name},
    )
    _touch_and_index(ticket, now, Piece(body, "C", actor.language))
    return event


@transaction.atomic
def ticket_assign(*, actor: User, ticket: Ticket, assignee: User | None, now: datetime | None = None) -> Ticket:
    """Give the request to an agent (or to nobody, with None)."""
    now = now or timezone.now()
    if side_of(actor, ticket.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff may assign requests."))
    if assignee is not None and not getattr(assignee, "is_supplier_staff", False):
        raise ValidationError({"assignee": _("Requests can be assigned only to the support staff.")})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous = ticket.assignee_id
    if previous == (assignee.pk if assignee else None):
        return ticket
    ticket.assignee = assignee
    _save(ticket, now, ["assignee"])
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.ASSIGNMENT,
        actor=actor,
        public=False,
        created_at=now,
        data={"from": previous, "to": assignee.pk if assignee else None},
    )
    announce_event(event.pk)
    return ticket


class TicketChanges(TypedDict, total=False):
    """What an agent may change on a request; a name left out stays as it is."""

    kind: str
    environment: Environment | None
    business_unit: BusinessUnit | None
    subject: str


@transaction.atomic
def ticket_update(
    *, actor: User, ticket: Ticket, now: datetime | None = None, **changes: Unpack[TicketChanges]
) -> Ticket:
    """Change the request's type, environment, business unit or subject; each change is an event."""
    now = now or timezone.now()
    if side_of(actor, ticket.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff may change a request."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_same_organisation(ticket.organisation_id, changes.get("environment"), changes.get("business_unit"), [])
    changed = []
    for name, value in dict(changes).items():
        before = getattr(ticket, f"{name}_id" if name in ("environment", "business_unit") else name)
        after = value.pk if hasattr(value, "pk") else value
        if before != after:
            setattr(ticket, name, value)
            changed.append((name, before, after))
    if not changed:
        return ticket
    ticket.full_clean(exclude=["search_vector"])  # never loaded (see TicketManager)
    _save(ticket, now, [name for name, _b, _a in changed])
    if "subject" in changes:  # the old subject's terms stay: it is still how people may remember the request
        _touch_and_index(ticket, now, Piece(ticket.subject, "A", actor.language))
    for name, before, after in changed:
        TicketEvent.objects.create(
            ticket=ticket,
            kind=EventKind.FIELD_CHANGE,
            actor=actor,
            created_at=now,
            data={"field": name, "from": before, "to": after},
        )
    return ticket


@transaction.atomic
def ticket_merge(*, actor: User, duplicate: Ticket, into: Ticket, now: datetime | None = None) -> Ticket:
    """Close ``duplicate`` as merged into ``into``; both keep their history and point at each other."""
    now = now or timezone.now()
    if side_of(actor, duplicate.organisation_id) != STAFF:
        raise PermissionDenied(_("Only the support staff may merge requests."))
    if duplicate.pk == into.pk or duplicate.organisation_id != into.organisation_id:
        raise ValidationError({"into": _("A request can be merged only into another request of the same customer.")})
    if into.merged_into_id is not None or not into.is_open:
        raise ValidationError({"into": _("Merge into an open request that is not itself merged.")})
    duplicate = Ticket.objects.select_for_update().get(pk=duplicate.pk)
    if not duplicate.is_open:
        raise ValidationError({"into": _("Only an open request can be merged.")})
    _end_pause(duplicate, now)
    previous = duplicate.state
    duplicate.state = State.CANCELLED
    duplicate.closed_at = now
    duplicate.merged_into = into
    _save(duplicate, now, ["state", "closed_at", "merged_into", *refresh_deadlines(duplicate, now)])
    TicketEvent.objects.create(
        ticket=duplicate,
        kind=EventKind.TRANSITION,
        actor=actor,
        created_at=now,
        data={"from": previous, "to": State.CANCELLED, "merged_into": into.identifier},
    )
    TicketEvent.objects.create(
        ticket=into, kind=EventKind.MERGE, actor=actor, created_at=now, data={"merged": duplicate.identifier}
    )
    return duplicate


# ``ticket_handle``'s way of saying "leave the assignee as it is" (None means nobody).
UNCHANGED = object()


@transaction.atomic
def ticket_handle(
    *,
    actor: User,
    ticket: Ticket,
    body: str = "",
    public: bool = True,
    files: Sequence[UploadedFile] = (),
    to: str = "",
    assignee: User | None | object = UNCHANGED,
    priority: int | None = None,
    assign_to_me: bool = False,
    now: datetime | None = None,
    **changes: Unpack[TicketChanges],
) -> Ticket:
    """One act of an agent on a request: a reply (or, not ``public``, a note) if ``body`` has text, the request's
    fields, the assignee, and the move to state ``to``, each through its own service.

    All or nothing: a part refused refuses the whole, and nothing of it stays. The events are announced as one
    act, so the customer hears of a reply that also sets the request waiting in one mail. The fields change first
    and the move comes last, so the history reads "replied, then set waiting" and the deadlines of a new priority
    are in place before the move stops or pauses them.
    """
    now = now or timezone.now()
    with one_act():
        if assignee is not UNCHANGED:
            ticket_assign(actor=actor, ticket=ticket, assignee=assignee, now=now)  # type: ignore[arg-type]
        if priority is not None and priority != ticket.priority:
            ticket_set_priority(actor=actor, ticket=ticket, priority=priority, now=now)
        if changes:
            ticket_update(actor=actor, ticket=ticket, now=now, **changes)
        if body.strip() and public:
            # Takes the request only if it is still nobody's after the assignee field above.
            ticket_reply(actor=actor, ticket=ticket, body=body, files=files, assign_to_me=assign_to_me, now=now)
        elif body.strip():
            ticket_note(actor=actor, ticket=ticket, body=body, files=files, now=now)
        elif files:
            raise ValidationError({"body": _("Write a message to go with the attachments.")})
        if to:
            ticket_transition(actor=actor, ticket=ticket, to=to, now=now)
    return Ticket.objects.get(pk=ticket.pk)
