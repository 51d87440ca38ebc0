"""The change lifecycle: which moves exist for each kind of change, and who may make each.

draft -> proposed -> approved -> scheduled -> implemented -> verified | rolled back, or cancelled / declined.

| kind      | the customer's word                                                                        |
| --------- | ------------------------------------------------------------------------------------------ |
| standard  | none: pre-approved and routine, the staff schedule it once proposed                         |
| normal    | a customer manager of the change's customer approves (or declines) it before it is scheduled |
| emergency | done first: the staff may implement it before any approval; a customer manager acknowledges |
|           | it afterwards (:func:`may_acknowledge`), which is recorded but moves nothing                |

Every other move is the supplier's staff's. Contacts who are not customer managers make none.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeKind, ChangeState
from tuki.core.errors import Refusal

STAFF = "staff"
CUSTOMER_MANAGER = "customer_manager"
CONTACT = "contact"

ALL_KINDS = frozenset(ChangeKind)
S, N, E = ChangeKind.STANDARD, ChangeKind.NORMAL, ChangeKind.EMERGENCY
St = ChangeState

# (from, to): {kind: who may make the move for a change of that kind}.
TRANSITIONS: dict[tuple[ChangeState, ChangeState], dict[ChangeKind, frozenset[str]]] = {
    (St.DRAFT, St.PROPOSED): dict.fromkeys(ALL_KINDS, frozenset({STAFF})),
    (St.DRAFT, St.CANCELLED): dict.fromkeys(ALL_KINDS, frozenset({STAFF})),
    (St.PROPOSED, St.APPROVED): {N: frozenset({CUSTOMER_MANAGER})},
    (St.PROPOSED, St.DECLINED): {N: frozenset({CUSTOMER_MANAGER})},
    (St.PROPOSED, St.SCHEDULED): {S: frozenset({STAFF}), E: frozenset({STAFF})},
    (St.PROPOSED, St.IMPLEMENTED): {E: frozenset({STAFF})},
    (St.PROPOSED, St.CANCELLED): dict.fromkeys(ALL_KINDS, frozenset({STAFF})),
    (St.APPROVED, St.SCHEDULED): {N: frozenset({STAFF})},
    (St.APPROVED, St.CANCELLED): {N: frozenset({STAFF})},
    (St.SCHEDULED, St.IMPLEMENTED): dict.fromkeys(ALL_KINDS, frozenset({STAFF})),
    (St.SCHEDULED, St.CANCELLED): dict.fromkeys(ALL_KINDS, frozenset({STAFF})),
    (St.IMPLEMENTED, St.VERIFIED): dict.fromkeys(ALL_KINDS, frozenset({STAFF})),
    (St.IMPLEMENTED, St.ROLLED_BACK): dict.fromkeys(ALL_KINDS, frozenset({STAFF})),
}

# Which fields may still be edited in which states. What the customer approves (the texts) is fixed once they
# have approved it; the kind decides who must approve, so it is fixed once the change is put to the customer (a
# normal change turned standard would skip the approval); the window may move until the change is scheduled,
# when the customer is told it; the implementer may change until the work is done. What happened (the actual
# times and the outcome) is written after the work, and may be corrected afterwards: its history shows how.
BEFORE_APPROVAL = frozenset({St.DRAFT, St.PROPOSED})
DONE = frozenset({St.IMPLEMENTED, St.VERIFIED, St.ROLLED_BACK})
EDITABLE_IN: dict[str, frozenset[ChangeState]] = {
    "title": BEFORE_APPROVAL,
    "description": BEFORE_APPROVAL,
    "risk": BEFORE_APPROVAL,
    "impact": BEFORE_APPROVAL,
    "rollback_plan": BEFORE_APPROVAL,
    "kind": frozenset({St.DRAFT}),
    "planned_start": BEFORE_APPROVAL | {St.APPROVED},
    "planned_end": BEFORE_APPROVAL | {St.APPROVED},
    "implementer": BEFORE_APPROVAL | {St.APPROVED, St.SCHEDULED},
    "actual_start": DONE,
    "actual_end": DONE,
    "outcome": DONE,
}

# What the buttons say.
ACTIONS = {
    St.PROPOSED: gettext_lazy("Propose"),
    St.APPROVED: gettext_lazy("Approve"),
    St.DECLINED: gettext_lazy("Decline"),
    St.SCHEDULED: gettext_lazy("Schedule"),
    St.IMPLEMENTED: gettext_lazy("Mark implemented"),
    St.VERIFIED: gettext_lazy("Mark verified"),
    St.ROLLED_BACK: gettext_lazy("Mark rolled back"),
    St.CANCELLED: gettext_lazy("Cancel the change"),
}


class ChangeTransitionError(Refusal):
    """A move that does not exist for this change or that this actor may not make; the message is for the user."""


def role_of(actor: User | None, change: Change) -> str | None:
    """STAFF, CUSTOMER_MANAGER (of the change's customer), CONTACT (another of its contacts), or None."""
    if actor is None or not actor.is_active:
        return None
    if getattr(actor, "is_supplier_staff", False):
        return STAFF
    contact = getattr(actor, "contact", None)
    if contact is None or contact.deactivated_at is not None or contact.organisation_id != change.organisation_id:
        return None
    return CUSTOMER_MANAGER if contact.is_customer_manager else CONTACT


def allowed_moves(role: str | None, change: Change) -> list[tuple[str, str]]:
    """The buttons to offer: exactly the moves ``role`` may make on ``change`` now."""
    return [
        (target.value, str(ACTIONS[target]))
        for (current, target), kinds in TRANSITIONS.items()
        if current == change.state and role in kinds.get(ChangeKind(change.kind), frozenset())
    ]


def may_acknowledge(role: str | None, change: Change) -> bool:
    """An emergency change, done before approval, waits for a customer manager's acknowledgement afterwards."""
    return (
        role == CUSTOMER_MANAGER
        and change.kind == ChangeKind.EMERGENCY
        and change.state in (St.IMPLEMENTED, St.VERIFIED, St.ROLLED_BACK)
        and change.acknowledged_at is None
    )


def check_transition(role: str | None, change: Change, target: str) -> None:
    current, kind = ChangeState(change.state), ChangeKind(change.kind)
    target_state = ChangeState(target)
    kinds = TRANSITIONS.get((current, target_state), {})
    if target_state == St.IMPLEMENTED and kind == N and current in (St.DRAFT, St.PROPOSED):
        raise ChangeTransitionError(_("A normal change must be approved by the customer before it is implemented."))
    if kind not in kinds:
        raise ChangeTransitionError(
            _("A %(kind)s change cannot move from “%(current)s” to “%(target)s”.")
            % {"kind": kind.label.lower(), "current": current.label, "target": target_state.label}
        )
    if role not in kinds[kind]:
        if CUSTOMER_MANAGER in kinds[kind]:
            raise ChangeTransitionError(
                _("Only a customer manager of the customer may approve or decline this change.")
            )
        raise ChangeTransitionError(
            _("You may not move this change from “%(current)s” to “%(target)s”.")
            % {"current": current.label, "target": target_state.label}
        )
