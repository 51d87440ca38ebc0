"""The request lifecycle: which transitions exist, and who may make each.

new -> in_progress -> waiting_for_customer -> in_progress -> resolved -> closed, with cancelled, and
reopened from resolved (the customer may reopen within the agreement's window; after it the request closes
by itself).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.models import User
from tuki.core.errors import Refusal
from tuki.tickets.models import State

STAFF = "staff"
REQUESTER = "requester"  # any active contact of the request's organisation acting on it
SYSTEM = "system"

TRANSITIONS: dict[tuple[State, State], frozenset[str]] = {
    (State.NEW, State.IN_PROGRESS): frozenset({STAFF}),
    (State.NEW, State.WAITING): frozenset({STAFF}),
    (State.NEW, State.RESOLVED): frozenset({STAFF}),
    (State.NEW, State.CANCELLED): frozenset({STAFF, REQUESTER}),
    (State.IN_PROGRESS, State.WAITING): frozenset({STAFF}),
    (State.IN_PROGRESS, State.RESOLVED): frozenset({STAFF}),
    (State.IN_PROGRESS, State.CANCELLED): frozenset({STAFF, REQUESTER}),
    (State.WAITING, State.IN_PROGRESS): frozenset({STAFF, REQUESTER}),
    (State.WAITING, State.RESOLVED): frozenset({STAFF}),
    (State.WAITING, State.CANCELLED): frozenset({STAFF, REQUESTER}),
    (State.RESOLVED, State.REOPENED): frozenset({STAFF, REQUESTER}),
    (State.RESOLVED, State.CLOSED): frozenset({REQUESTER, SYSTEM}),
    (State.REOPENED, State.IN_PROGRESS): frozenset({STAFF}),
    (State.REOPENED, State.WAITING): frozenset({STAFF}),
    (State.REOPENED, State.RESOLVED): frozenset({STAFF}),
    (State.REOPENED, State.CANCELLED): frozenset({STAFF, REQUESTER}),
}


# What the customer's buttons say; moving a waiting request back to work happens by replying.
CUSTOMER_ACTIONS = {
    State.CANCELLED: gettext_lazy("Cancel the request"),
    State.REOPENED: gettext_lazy("Reopen"),
    State.CLOSED: gettext_lazy("Confirm the resolution"),
}


class TransitionError(Refusal):
    """A transition that does not exist or that this actor may not make; the message is for the user."""


def role_of(actor: User | None, organisation_id: int) -> str | None:
    if actor is None:
        return SYSTEM
    if getattr(actor, "is_supplier_staff", False):
        return STAFF
    contact = getattr(actor, "contact", None)
    if contact is not None and contact.deactivated_at is None and contact.organisation_id == organisation_id:
        return REQUESTER
    return None


def check_transition(actor: User | None, organisation_id: int, current: str, target: str) -> None:
    allowed = TRANSITIONS.get((State(current), State(target)))
    if allowed is None:
        raise TransitionError(
            _("A request cannot move from “%(current)s” to “%(target)s”.")
            % {"current": State(current).label, "target": State(target).label}
        )
    if role_of(actor, organisation_id) not in allowed:
        raise TransitionError(
            _("You may not move this request from “%(current)s” to “%(target)s”.")
            % {"current": State(current).label, "target": State(target).label}
        )
