"""The second step of login in the audit log: authenticators added and removed, recovery codes, failures."""

from __future__ import annotations

from typing import Any

from tests.second_step import code_for
from tuki.audit.models import Action, AuditEntry
from tuki.mfa.services import (
    authenticator_remove,
    authenticator_revoke,
    recovery_codes_regenerate,
    second_step_verify,
    totp_device_confirm,
    totp_device_start,
)


def _entries(action: Action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_enrolment_renewal_removal_and_failures_are_recorded(manager: Any, agent: Any) -> None:
    first = totp_device_start(user=manager)
    totp_device_confirm(user=manager, device=first, code=code_for(first))
    second = totp_device_start(user=manager)
    totp_device_confirm(user=manager, device=second, code=code_for(second))
    added = _entries(Action.AUTHENTICATOR_ADDED)
    assert [(entry.actor_id, entry.target_id, entry.details["authenticator"]) for entry in added] == [
        (manager.pk, str(manager.pk), "TOTPDevice"),
        (manager.pk, str(manager.pk), "TOTPDevice"),
    ]
    # The first authenticator brings the first recovery codes; renewing them is recorded again.
    recovery_codes_regenerate(user=manager)
    assert len(_entries(Action.RECOVERY_CODES_RENEWED)) == 2

    assert second_step_verify(user=manager, code="000000" if code_for(second) != "000000" else "111111") is None
    failed = _entries(Action.SECOND_STEP_FAILED)
    assert [entry.actor_id for entry in failed] == [manager.pk]

    authenticator_remove(user=manager, kind="totp", device_id=second.pk)
    removed = _entries(Action.AUTHENTICATOR_REMOVED)
    assert [(entry.actor_id, entry.target_id) for entry in removed] == [(manager.pk, str(manager.pk))]


def test_a_manager_revoking_someones_authenticator_is_the_actor(manager: Any, agent: Any) -> None:
    device = totp_device_start(user=agent)
    totp_device_confirm(user=agent, device=device, code=code_for(device))
    authenticator_revoke(actor=manager, device=device)
    (entry,) = _entries(Action.AUTHENTICATOR_REMOVED)
    assert (entry.actor_id, entry.target_id, entry.target_label) == (manager.pk, str(agent.pk), agent.email)
