"""Notification mail about request events: who hears of what, in their own language, threaded per request.

The customer side (requester and copies) hears of the staff's public replies and of state changes; the staff
hear of new requests, of the customer's replies and moves (the assignee, or every staff member on duty while
nobody is assigned) and of requests assigned to them. Nobody hears of their own doings, and internal notes never
leave the desk. The requests' services announce each event once it commits
(:data:`tuki.tickets.signals.event_recorded`), and :mod:`tuki.mail.receivers` queues
:func:`tuki.mail.tasks.notify_event`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tuki.accounts.models import Role, User
from tuki.core.markdown import render_markdown
from tuki.mail.models import Notification
from tuki.mail.threading import automatic_headers, event_message_id, thread_message_id
from tuki.tickets.lifecycle import CUSTOMER_ACTIONS
from tuki.tickets.models import EventKind, State, Ticket, TicketEvent

logger = logging.getLogger(__name__)

STAFF_ROLES = (Role.AGENT, Role.MANAGER)


def recipients_for(event: TicketEvent) -> list[User]:
    """Everyone who should get a mail about ``event``: active people only, never the actor."""
    ticket = event.ticket
    people: Iterable[User] = ()
    if event.kind == EventKind.CREATED:
        # The customer side learns the identifier of a request filed for them (by phone, say).
        people = [*_staff_for(ticket), *_customer_side(ticket)]
    elif event.kind == EventKind.ASSIGNMENT:
        people = User.objects.filter(pk=event.data.get("to"), role__in=STAFF_ROLES)
    elif event.public and event.kind == EventKind.TRANSITION:
        people = _customer_side(ticket)
        if event.actor is not None and not _is_staff(event.actor) and event.data.get("to") in CUSTOMER_ACTIONS:
            # The customer reopened, cancelled or confirmed: the staff hear as of a reply. Not of the move back
            # to work that a reply to a waiting request makes: the reply's own mail says it.
            people = [*_staff_for(ticket), *people]
    elif event.public and event.kind == EventKind.REPLY and event.actor is not None and _is_staff(event.actor):
        people = _customer_side(ticket)
    elif event.kind == EventKind.REPLY:
        people = _staff_for(ticket)  # the customer answered: the agent working on it hears, or those on duty
    chosen: dict[int, User] = {}
    for person in people:
        if person.is_active and person.pk != event.actor_id:
            chosen.setdefault(person.pk, person)
    return list(chosen.values())


def _is_staff(user: User) -> bool:
    return user.role in STAFF_ROLES


def _staff_for(ticket: Ticket) -> list[User]:
    """The assignee, or every active staff member on duty when nobody is assigned (as for SLA warnings)."""
    if ticket.assignee is not None and ticket.assignee.is_active:
        return [ticket.assignee]
    return list(User.objects.filter(role__in=STAFF_ROLES, is_active=True, on_duty=True).order_by("pk"))


def _customer_side(ticket: Ticket) -> list[User]:
    """The requester and the contacts in copy who are still active contacts of the request's customer."""
    # The organisation filter is a second lock: copies are checked when set, but a mail must never leak.
    contacts = Q(contact__pk=ticket.requester_id) | Q(contact__cc_tickets=ticket)
    active = Q(
        contact__deactivated_at__isnull=True,
        contact__organisation=ticket.organisation_id,
        is_active=True,
        mail_notifications=True,
    )
    users = User.objects.filter(contacts, active).distinct().order_by("pk")
    return sorted(users, key=lambda user: user.pk != ticket.requester.user_id)  # the requester first


def send_event_notifications(*event_ids: int, job: str = "") -> int:
    """Mail everyone who should hear of the events and has not yet; returns how many mails went out.

    The events are one act of one person (one event, or several recorded in one submit): each recipient gets one
    mail about all of them that concern them, claimed on the first of those, so a reply that also set the request
    waiting reaches the customer as one mail.

    Safe to run again: each (event, recipient) is claimed once, by ``job`` (the queue's id of the job sending).
    If one mail fails the others still go, and the error is raised at the end so the job is retried for the failed
    ones only.
    """
    events = TicketEvent.objects.select_related("ticket", "ticket__organisation", "ticket__requester", "actor")
    heard: dict[int, tuple[User, list[TicketEvent]]] = {}
    for event in events.filter(pk__in=event_ids).order_by("pk"):
        for recipient in recipients_for(event):
            heard.setdefault(recipient.pk, (recipient, []))[1].append(event)
    sent = 0
    failure: Exception | None = None
    for recipient, theirs in heard.values():
        try:
            sent += _send_once(theirs, recipient, job)
        except Exception as exc:
            logger.exception("Notification about events %s to user %s failed", event_ids, recipient.pk)
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent


def _send_once(events: list[TicketEvent], recipient: User, job: str) -> bool:
    first = events[0]
    notification, created = Notification.objects.get_or_create(
        event=first, recipient=recipient, defaults={"message_id": event_message_id(first, recipient), "claimed_by": job}
    )
    if not created and not _take_over_abandoned(notification, job):
        return False
    # The mail leads with the act's message, when there is one; the other changes follow it as one line each.
    lead = next((event for event in events if event.kind == EventKind.REPLY), first)
    together = [event for event in events if event is not lead]
    try:
        build_message(lead, recipient, notification.message_id, together=together).send()
    except Exception:
        # Release the claim so that the retry tries this person again. Should the server have taken the mail
        # after all, the retry carries the same Message-ID and the receiving side can drop the copy.
        notification.delete()
        raise
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
    return True


def _take_over_abandoned(notification: Notification, job: str) -> bool:
    """Whether this run sends a mail claimed before but never marked sent.

    Claimed by this same job, the claim is its own from an earlier run that did not finish: a retry after an
    error (the database went away before the claim could be released), or the job put back on the queue after its
    consumer died mid-send (tuki.core.queue). Either way no one else is sending it: this run does, now. Claimed by
    another job, within the lease that job may be sending it right now: this job fails and is retried later; past
    the lease, one run takes the claim over by moving its time."""
    if notification.sent_at is not None:
        return False
    lease = timedelta(seconds=settings.TUKI_MAIL_CLAIM_LEASE)
    own = bool(job) and notification.claimed_by == job
    if not own and timezone.now() - notification.created_at < lease:
        raise ClaimStillHeld(f"Notification {notification.pk} is being sent by another run; tried again later.")
    taken = Notification.objects.filter(pk=notification.pk, sent_at=None, created_at=notification.created_at).update(
        created_at=timezone.now(), claimed_by=job
    )
    return taken == 1


class ClaimStillHeld(Exception):
    """A mail claimed by another run that may still be sending it."""


def build_message(
    event: TicketEvent, recipient: User, message_id: str, *, together: Sequence[TicketEvent] = ()
) -> EmailMultiAlternatives:
    """The mail about ``event`` to ``recipient``, telling also of the other events of the same act."""
    ticket = event.ticket
    thread = thread_message_id(ticket)
    with translation.override(recipient.language):
        context = _context(event, recipient)
        context["together"] = [_intro(other) for other in together]
        text = render_to_string("mail/email/notification.txt", context)
        html = render_to_string("mail/email/notification.html", context)
    # A subject with a line break would be refused as a header injection; one line it is.
    subject = f"[{ticket.identifier}] {' '.join(ticket.subject.split())}"
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[recipient.email],
        reply_to=[settings.TUKI_SUPPORT_EMAIL],
        headers={
            "Message-ID": message_id,
            "In-Reply-To": thread,
            "References": thread,
            "Content-Language": recipient.language,
            **automatic_headers(),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _context(event: TicketEvent, recipient: User) -> dict[str, object]:
    """What the templates show; call inside the recipient's language."""
    ticket = event.ticket
    staff = _is_staff(recipient)
    text = event.body if event.kind == EventKind.REPLY else ""
    if staff and event.kind in (EventKind.CREATED, EventKind.ASSIGNMENT):
        text = ticket.description
    url_name = "desk:ticket" if staff else "portal:ticket"
    return {
        "ticket": ticket,
        "intro": _intro(event),
        "text": text,
        "text_html": render_markdown(text) if text else "",
        "details": _details(ticket) if staff else [],
        "url": settings.TUKI_BASE_URL + reverse(url_name, args=[ticket.identifier]),
        "language": recipient.language,
        "supplier_name": settings.TUKI_SUPPLIER_NAME,
        "support_email": settings.TUKI_SUPPORT_EMAIL,
    }


def _intro(event: TicketEvent) -> str:
    """The first line: who did what."""
    actor = event.actor.full_name if event.actor is not None else ""
    if event.kind == EventKind.CREATED:
        requester = event.ticket.requester
        return _("%(requester)s (%(customer)s) filed a new support request.") % {
            "requester": requester.user.full_name,
            "customer": event.ticket.organisation.name,
        }
    if event.kind == EventKind.ASSIGNMENT:
        return _("%(actor)s assigned this request to you.") % {"actor": actor or _("Tuki")}
    if event.kind == EventKind.TRANSITION:
        state = State(event.data["to"]).label
        if not actor:
            return _("The state of the request changed to “%(state)s”.") % {"state": state}
        return _("%(actor)s changed the state of the request to “%(state)s”.") % {"actor": actor, "state": state}
    return _("%(actor)s replied:") % {"actor": actor or _("Tuki")}


def _details(ticket: Ticket) -> list[tuple[str, str]]:
    """The request's key facts for the staff, labelled with the model's own (already translated) field names."""
    rows = [
        ("organisation", ticket.organisation.name),
        ("requester", ticket.requester.user.full_name),
        ("priority", ticket.get_priority_display()),
        ("kind", ticket.get_kind_display()),
        ("channel", ticket.get_channel_display()),
    ]
    return [(capfirst(str(getattr(Ticket._meta.get_field(name), "verbose_name", name))), value) for name, value in rows]
