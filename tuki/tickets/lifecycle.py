"""The request lifecycle: which transitions exist, and who may make each.

new -> in_progress -> waiting_for_customer -> in_progress -> resolved -> closed, with cancelled, and
reopened from resolved (the customer may reopen within the agreement's window; after it the request closes
by itself).

Who is who is decided per request by :func:`role_of`. Among the customer's contacts:

| role             | who                                                     | reply | cancel | reopen | confirm |
| ---------------- | ------------------------------------------------------- | ----- | ------ | ------ | ------- |
| requester        | the contact the request was filed for                   | yes   | yes    | yes    | yes     |
| customer manager | a customer manager of the request's customer            | yes   | yes    | yes    | yes     |
| copied           | a contact the request is copied to                      | yes   | no     | no     | no      |
| colleague        | another contact of the customer who can see the request | yes   | no     | no     | no      |

Those who decide for the customer (the requester and the customer managers) make the customer's moves: cancel,
reopen, and confirm the resolution (which closes the request). Those who follow a request (copies, colleagues)
may add what they know by replying but change nothing; only a reply to a request that waits for the customer
resumes the work, whoever of them sends it (the customer has answered). A contact who cannot see the request
(another customer's, or a colleague's when the agreement shows contacts only their own) has no role and may do
nothing with it. The staff's moves are the desk's and do not depend on these roles.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.models import User
from tuki.core.errors import Refusal
from tuki.core.scoping import visible_to
from tuki.tickets.models import State, Ticket

STAFF = "staff"
SYSTEM = "system"
CONTACT = "contact"  # an active contact of the organisation, before asking which request (see side_of)
REQUESTER = "requester"
CUSTOMER_MANAGER = "customer_manager"
COPIED = "copied"
COLLEAGUE = "colleague"
CONTACT_ROLES = (REQUESTER, CUSTOMER_MANAGER, COPIED, COLLEAGUE)

# The contacts who decide for the customer: they make the customer's moves.
DECIDERS = frozenset({REQUESTER, CUSTOMER_MANAGER})
# Who may write a public reply on a request they can see (the service also refuses a closed request).
REPLY_ROLES = frozenset({STAFF, *CONTACT_ROLES})

TRANSITIONS: dict[tuple[State, State], frozenset[str]] = {
    (State.NEW, State.IN_PROGRESS): frozenset({STAFF}),
    (State.NEW, State.WAITING): frozenset({STAFF}),
    (State.NEW, State.RESOLVED): frozenset({STAFF}),
    (State.NEW, State.CANCELLED): frozenset({STAFF, *DECIDERS}),
    (State.IN_PROGRESS, State.WAITING): frozenset({STAFF}),
    (State.IN_PROGRESS, State.RESOLVED): frozenset({STAFF}),
    (State.IN_PROGRESS, State.CANCELLED): frozenset({STAFF, *DECIDERS}),
    # Also the effect of any reply to a waiting request (see ``resumes_on_reply``), not only of this move.
    (State.WAITING, State.IN_PROGRESS): frozenset({STAFF, *DECIDERS}),
    (State.WAITING, State.RESOLVED): frozenset({STAFF}),
    (State.WAITING, State.CANCELLED): frozenset({STAFF, *DECIDERS}),
    (State.RESOLVED, State.REOPENED): frozenset({STAFF, *DECIDERS}),
    # Confirming the resolution is the customer's word (or the end of the reopen window), never the desk's.
    (State.RESOLVED, State.CLOSED): frozenset({SYSTEM, *DECIDERS}),
    (State.REOPENED, State.IN_PROGRESS): frozenset({STAFF}),
    (State.REOPENED, State.WAITING): frozenset({STAFF}),
    (State.REOPENED, State.RESOLVED): frozenset({STAFF}),
    (State.REOPENED, State.CANCELLED): frozenset({STAFF, *DECIDERS}),
}


# What the customer's buttons say; moving a waiting request back to work happens by replying.
CUSTOMER_ACTIONS = {
    State.CANCELLED: gettext_lazy("Cancel the request"),
    State.REOPENED: gettext_lazy("Reopen"),
    State.CLOSED: gettext_lazy("Confirm the resolution"),
}


class TransitionError(Refusal):
    """A transition that does not exist or that this actor may not make; the message is for the user."""


def side_of(actor: User | None, organisation_id: int) -> str | None:
    """STAFF, SYSTEM (no actor), CONTACT for an active contact of the organisation, or None.

    Enough for filing a request; acting on an existing one asks :func:`role_of`."""
    if actor is None:
        return SYSTEM
    if getattr(actor, "is_supplier_staff", False):
        return STAFF
    contact = getattr(actor, "contact", None)
    if contact is not None and contact.deactivated_at is None and contact.organisation_id == organisation_id:
        return CONTACT
    return None


def role_of(actor: User | None, ticket: Ticket) -> str | None:
    """Who ``actor`` is to ``ticket``: STAFF, SYSTEM, one of CONTACT_ROLES, or None (may not act on it)."""
    side = side_of(actor, ticket.organisation_id)
    if side != CONTACT:
        return side
    assert actor is not None  # noqa: S101 - a contact side has an actor
    contact = actor.contact
    if not actor.is_active:
        return None
    if contact.pk == ticket.requester_id:
        return REQUESTER
    if contact.is_customer_manager:
        return CUSTOMER_MANAGER
    if ticket.cc_contacts.filter(pk=contact.pk).exists():
        return COPIED
    # Through the one scoping function, so the agreement's visibility rule decides here as on every page.
    if visible_to(actor, Ticket).filter(pk=ticket.pk).exists():
        return COLLEAGUE
    return None


def may_reply(role: str | None) -> bool:
    return role in REPLY_ROLES


def resumes_on_reply(role: str | None, state: str) -> bool:
    """A customer's reply to a request waiting for them moves it back to work, whoever of them sent it."""
    return role in CONTACT_ROLES and state == State.WAITING


def reopen_window_passed(role: str | None, ticket: Ticket, now: datetime) -> bool:
    """Whether it is too late for the customer to reopen ``ticket``; the staff may reopen at any time."""
    if role == STAFF or ticket.resolved_at is None:
        return False
    window = timedelta(days=ticket.agreement.reopen_window_days if ticket.agreement else 0)
    return now > ticket.resolved_at + window


def customer_actions(role: str | None, ticket: Ticket, now: datetime) -> list[tuple[str, str]]:
    """The buttons to offer a contact of ``role`` on ``ticket``: exactly the moves they may make now."""
    return [
        (target.value, str(CUSTOMER_ACTIONS[target]))
        for (current, target), who in TRANSITIONS.items()
        if current == ticket.state and role in who and target in CUSTOMER_ACTIONS
        if not (target == State.REOPENED and reopen_window_passed(role, ticket, now))
    ]


def check_transition(role: str | None, current: str, target: str) -> None:
    allowed = TRANSITIONS.get((State(current), State(target)))
    if allowed is None:
        raise TransitionError(
            _("A request cannot move from “%(current)s” to “%(target)s”.")
            % {"current": State(current).label, "target": State(target).label}
        )
    if role not in allowed:
        if role in CONTACT_ROLES and target in CUSTOMER_ACTIONS:
            raise TransitionError(
                _("Only the requester or the customer manager may move this request to “%(target)s”.")
                % {"target": State(target).label}
            )
        raise TransitionError(
            _("You may not move this request from “%(current)s” to “%(target)s”.")
            % {"current": State(current).label, "target": State(target).label}
        )
