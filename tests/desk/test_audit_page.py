"""The audit log on the desk: managers only; filters read through a form (nonsense is left out, never a 500);
pages; and an export whose cells cannot run as formulas and which is itself audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from tests.conftest import speaks
from tuki.accounts.models import Role, User
from tuki.accounts.services import contact_set_customer_manager, user_set_access
from tuki.agreements.auditing import agreement_terms
from tuki.agreements.services import agreement_record_change
from tuki.audit.models import Action, AuditEntry
from tuki.audit.services import audit_record
from tuki.desk.audit_views import PAGE_SIZE

PAGE = "/desk/audit/"
EXPORT = "/desk/audit/export/"
NOON = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # 12:00 in Helsinki


@pytest.fixture
def desk(client: Client, manager: User) -> Client:
    client.force_login(speaks(manager, "en"))
    return client


def _rows(response: Any) -> list[AuditEntry]:
    """The entries shown, but for the manager's own login of today (the test's force_login is audited too)."""
    assert response.status_code == 200
    return [entry for entry, _changes in response.context["rows"] if entry.created_at < NOON + timedelta(days=30)]


@pytest.mark.parametrize("who", ["agent", "anna"])
def test_only_managers_find_the_page(client: Client, who: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(PAGE).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.EXPORTED).exists()
    assert "/desk/audit/" not in client.get("/desk/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: Any) -> None:
    assert client.get(PAGE).url.startswith("/accounts/login/")


def test_newest_first_and_linked_from_the_navigation(desk: Client, manager: User, agent: User) -> None:
    older = audit_record(action=Action.LOGIN, actor=agent, now=NOON)
    newer = audit_record(action=Action.LOGOUT, actor=agent, now=NOON + timedelta(hours=1))
    response = desk.get(PAGE)
    assert _rows(response)[:2] == [newer, older]
    page = response.content.decode()
    assert 'href="/desk/audit/" aria-current="page"' in page
    assert "Logged out" in page and "Aino Agentti" in page


def test_filters(desk: Client, manager: User, agent: User) -> None:
    login = audit_record(action=Action.LOGIN, actor=agent, now=NOON)
    failed = audit_record(action=Action.LOGIN_FAILED, identifier="mallory@evil.example", now=NOON + timedelta(days=1))
    changed = audit_record(action=Action.ROLE_CHANGED, actor=manager, target=agent, now=NOON + timedelta(days=2))
    assert _rows(desk.get(PAGE, {"action": "login_failed"})) == [failed]
    assert _rows(desk.get(PAGE, {"actor": "mallory"})) == [failed]
    assert _rows(desk.get(PAGE, {"actor": "aino"})) == [login]  # by name as well as by address
    assert _rows(desk.get(PAGE, {"since": "2026-03-11", "until": "2026-03-12"})) == [changed, failed]
    assert _rows(desk.get(PAGE, {"until": "2026-03-10"})) == [login]


@pytest.mark.parametrize(
    "query",
    [
        {"action": "drop table"},
        {"since": "yesterday"},
        {"until": "2026-02-31"},
        {"since": "0001-01-01"},
        {"until": "9999-12-31"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"actor": "x" * 5000},
        {"since": "2026-03-12", "until": "2026-03-10"},
    ],
)
def test_bad_parameters_are_left_out_never_a_server_error(desk: Client, agent: User, query: dict[str, str]) -> None:
    entry = audit_record(action=Action.LOGIN, actor=agent, now=NOON)
    response = desk.get(PAGE, query)
    assert response.status_code == 200
    if query.get("page") == "abc":
        assert _rows(response) == [entry]  # unreadable: the first page
    assert desk.get(EXPORT, query).status_code == 200


def test_reversed_dates_are_refused_with_a_message(desk: Client, agent: User) -> None:
    entry = audit_record(action=Action.LOGIN, actor=agent, now=NOON)
    response = desk.get(PAGE, {"since": "2026-03-10", "until": "2026-03-01"})
    assert "The end date is before the start date." in response.content.decode()
    assert _rows(response) == [entry]  # the start date alone still applies


def test_pages(desk: Client, agent: User) -> None:
    for minute in range(PAGE_SIZE + 3):
        audit_record(action=Action.LOGOUT, actor=agent, now=NOON + timedelta(minutes=minute))
    first = desk.get(PAGE, {"action": "logout"})
    assert len(_rows(first)) == PAGE_SIZE and first.context["has_next"]
    assert "?action=logout&amp;page=2" in first.content.decode()
    second = desk.get(PAGE, {"action": "logout", "page": "2"})
    assert [entry.created_at for entry in _rows(second)] == [NOON + timedelta(minutes=m) for m in (2, 1, 0)]


def test_export_is_filtered_guarded_and_audited(desk: Client, manager: User) -> None:
    audit_record(action=Action.LOGIN_FAILED, identifier='=HYPERLINK("https://evil.example","x")', now=NOON)
    audit_record(action=Action.LOGIN, actor=manager, now=NOON)
    response = desk.get(EXPORT, {"action": "login_failed"}, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "'=HYPERLINK" in lines[1] and "Failed login" in lines[1]
    exported = AuditEntry.objects.get(action=Action.EXPORTED)
    assert (exported.actor, exported.address) == (manager, "192.0.2.9")
    assert exported.details == {"export": "audit_log", "filters": {"action": "login_failed"}, "rows": 1}


def test_changes_read_in_words(desk: Client, manager: User, agent: User, anna: User) -> None:
    user_set_access(actor=manager, user=agent, role=Role.MANAGER, is_active=True)
    contact_set_customer_manager(actor=manager, contact=anna.contact, customer_manager=False)
    page = desk.get(PAGE).content.decode()
    assert "Role: Agent → Service manager" in page
    assert "Customer manager: yes → no" in page


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Resolution time (Critical): 4 h → 2 h"),
        ("fi", "Ratkaisuaika (Kriittinen): 4 t → 2 t"),
        ("sv", "Lösningstid (Kritisk): 4 h → 2 h"),
    ],
)
def test_sla_target_changes_read_as_durations(
    client: Client, manager: User, agreement_a: Any, language: str, line: str
) -> None:
    before = agreement_terms(agreement_a.pk)
    agreement_a.targets.filter(priority=1).update(resolution_minutes=120)
    agreement_record_change(actor=manager, agreement=agreement_a, before=before)
    client.force_login(speaks(manager, language))
    assert line in client.get(PAGE).content.decode()
