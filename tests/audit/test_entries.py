"""The audit log itself: one way in, rows only ever added, nothing left behind by a change that is rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tuki.accounts.models import Role
from tuki.accounts.services import user_set_access
from tuki.audit.changes import changed_fields
from tuki.audit.models import Action, AuditEntry
from tuki.audit.services import audit_record


def test_an_entry_is_never_changed_or_deleted(manager: Any) -> None:
    entry = audit_record(action=Action.LOGIN, actor=manager, address="10.0.0.1")
    entry.identifier = "someone-else@example.com"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(identifier="x")
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.all().delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.identifier, stored.address, stored.actor) == ("manager@supplier.example", "10.0.0.1", manager)
    assert stored.created_at.tzinfo is not None


def test_what_a_stranger_typed_is_kept_short_and_storable(db: Any) -> None:
    entry = audit_record(action=Action.LOGIN_FAILED, identifier="a\x00b" + "x" * 5000, address="not an address")
    entry.refresh_from_db()
    assert entry.identifier.startswith("ab") and len(entry.identifier) == 254
    assert entry.address is None and entry.actor is None


def test_the_label_outlives_the_object(manager: Any, agent: Any) -> None:
    entry = audit_record(action=Action.ROLE_CHANGED, actor=manager, target=agent)
    agent.full_name = "Renamed"
    agent.save()
    entry.refresh_from_db()
    assert (entry.target_type, entry.target_id, entry.target_label) == ("accounts.user", str(agent.pk), "Aino Agentti")


def test_a_change_rolled_back_leaves_no_entry(manager: Any, agent: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        user_set_access(actor=manager, user=agent, role=Role.MANAGER, is_active=True)
        assert AuditEntry.objects.filter(action=Action.ROLE_CHANGED).count() == 1
        raise RuntimeError("the rest of the change failed")
    agent.refresh_from_db()
    assert agent.role == Role.AGENT
    assert not AuditEntry.objects.filter(action=Action.ROLE_CHANGED).exists()


def test_changed_fields_names_only_what_changed() -> None:
    assert changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": {"from": 2, "to": 3},
        "c": {"from": None, "to": 4},
    }
    assert changed_fields(None, {"a": 1}) == {"a": {"from": None, "to": 1}}
