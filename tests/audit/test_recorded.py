"""Every audited action, done the way a person does it (through the views and the admin), makes exactly one entry
with who, what, on which object, from where and what changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, TARGETS
from tuki.accounts.models import Role, User
from tuki.agreements.models import Agreement
from tuki.agreements.services import agreement_save
from tuki.audit.models import Action, AuditEntry
from tuki.tickets.models import Attachment
from tuki.tickets.services import ticket_create, ticket_reply

ADDRESS = "192.0.2.7"


def _only(action: Action) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


def _login(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ADDRESS)


def test_login_and_logout(client: Client, agent: User) -> None:
    assert _login(client, "agent@supplier.example", PASSWORD).status_code == 302
    login = _only(Action.LOGIN)
    assert (login.actor, login.identifier, login.address) == (agent, "agent@supplier.example", ADDRESS)
    client.post(reverse("accounts:logout"), REMOTE_ADDR=ADDRESS)
    logout = _only(Action.LOGOUT)
    assert (logout.actor, logout.address) == (agent, ADDRESS)
    assert not AuditEntry.objects.filter(action=Action.LOGIN_FAILED).exists()


def test_failed_login_keeps_the_identifier_tried_never_the_password(client: Client, anna: User) -> None:
    _login(client, "Anna@Org-A.example", "a-wrong-secret")
    failed = _only(Action.LOGIN_FAILED)
    assert (failed.actor, failed.identifier, failed.address) == (None, "anna@org-a.example", ADDRESS)
    assert "a-wrong-secret" not in str(failed.details) and "a-wrong-secret" not in failed.identifier
    assert not AuditEntry.objects.filter(action=Action.LOGIN).exists()


def test_lockout(client: Client, anna: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "anna@org-a.example", "wrong")
    locked = _only(Action.LOCKED_OUT)
    assert (locked.identifier, locked.address) == ("anna@org-a.example", ADDRESS)
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count() == settings.AXES_FAILURE_LIMIT


def test_role_change_in_the_admin(client: Client, manager: User, agent: User) -> None:
    client.force_login(manager)
    data = {"email": agent.email, "full_name": agent.full_name, "role": Role.MANAGER, "language": "fi"}
    data["is_active"] = "on"
    response = client.post(f"/admin/accounts/user/{agent.pk}/change/", data, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    entry = _only(Action.ROLE_CHANGED)
    assert (entry.actor, entry.target_type, entry.target_id, entry.target_label) == (
        manager,
        "accounts.user",
        str(agent.pk),
        "Aino Agentti",
    )
    assert entry.details == {"changes": {"role": {"from": "agent", "to": "manager"}}}
    assert entry.address == ADDRESS
    assert not AuditEntry.objects.filter(action__in=[Action.DEACTIVATED, Action.REACTIVATED]).exists()


def test_deactivating_staff_in_the_admin(client: Client, manager: User, agent: User) -> None:
    client.force_login(manager)
    data = {"email": agent.email, "full_name": "Aino A.", "role": Role.AGENT, "language": "fi"}
    assert client.post(f"/admin/accounts/user/{agent.pk}/change/", data).status_code == 302
    agent.refresh_from_db()
    assert (agent.is_active, agent.full_name) == (False, "Aino A.")
    assert _only(Action.DEACTIVATED).target_id == str(agent.pk)
    assert not AuditEntry.objects.filter(action=Action.ROLE_CHANGED).exists()


def test_creating_a_manager_in_the_admin_is_a_change_of_role(client: Client, manager: User) -> None:
    client.force_login(manager)
    data = {"email": "new@supplier.example", "full_name": "Uusi", "role": Role.MANAGER, "language": "fi"}
    data["is_active"] = "on"
    assert client.post("/admin/accounts/user/add/", data).status_code == 302
    entry = _only(Action.ROLE_CHANGED)
    assert entry.details["changes"]["role"] == {"from": "contact", "to": "manager"}
    assert User.objects.get(email="new@supplier.example").role == Role.MANAGER


def test_customer_manager_flag_in_the_admin(client: Client, manager: User, anna: User) -> None:
    client.force_login(manager)
    contact = anna.contact
    data = {
        "user": anna.pk,
        "organisation": contact.organisation_id,
        "business_unit": contact.business_unit_id,
        "phone": "",
        "job_title": "CFO",
    }  # the box left empty: anna is no longer the customer's manager
    assert client.post(f"/admin/accounts/contact/{contact.pk}/change/", data).status_code == 302
    contact.refresh_from_db()
    assert (contact.is_customer_manager, contact.job_title) == (False, "CFO")
    entry = _only(Action.CUSTOMER_MANAGER_CHANGED)
    assert entry.details == {"changes": {"is_customer_manager": {"from": True, "to": False}}}
    assert (entry.actor, entry.target_id) == (manager, str(anna.pk))


def test_deactivating_and_reactivating_a_contact_in_the_admin(client: Client, manager: User, anna: User) -> None:
    client.force_login(manager)
    changelist = "/admin/accounts/contact/"
    data = {"action": "deactivate", "_selected_action": [anna.contact.pk]}
    client.post(changelist, data, REMOTE_ADDR=ADDRESS)
    client.post(changelist, data)  # already deactivated: nothing changes, nothing is recorded
    entry = _only(Action.DEACTIVATED)
    assert (entry.actor, entry.target_id, entry.address) == (manager, str(anna.pk), ADDRESS)
    client.post(changelist, {"action": "reactivate", "_selected_action": [anna.contact.pk]})
    assert _only(Action.REACTIVATED).target_id == str(anna.pk)


def test_agreement_and_sla_target_changes_keep_before_and_after(manager: User, agreement_a: Agreement) -> None:
    created = _only(Action.AGREEMENT_CREATED)
    assert created.details["changes"]["sla_target.1.resolution_minutes"] == {"from": None, "to": 240}
    agreement_save(
        actor=manager,
        agreement=agreement_a,
        organisation=agreement_a.organisation,
        service_calendar=agreement_a.service_calendar,
        includes_on_call=True,
        on_call_calendar=agreement_a.on_call_calendar,
        targets=TARGETS | {1: (15, 240)},
        valid_from=date(2025, 1, 1),
        quota_hours=Decimal(40),
        hourly_rate=Decimal("95.00"),
        address=ADDRESS,
    )
    entry = _only(Action.AGREEMENT_CHANGED)
    assert entry.details == {
        "changes": {
            "quota_hours": {"from": "20.00", "to": "40.00"},
            "sla_target.1.first_response_minutes": {"from": 30, "to": 15},
        }
    }
    assert (entry.actor, entry.target_id, entry.address) == (manager, str(agreement_a.pk), ADDRESS)


def test_agreement_change_in_the_admin(client: Client, manager: User, agreement_a: Agreement) -> None:
    client.force_login(manager)
    targets = list(agreement_a.targets.order_by("priority"))
    data: dict[str, Any] = {
        "organisation": agreement_a.organisation_id,
        "name": agreement_a.name,
        "valid_from": "2025-01-01",
        "valid_until": "2026-12-31",
        "service_calendar": agreement_a.service_calendar_id,
        "includes_on_call": "on",
        "on_call_calendar": agreement_a.on_call_calendar_id,
        "reopen_window_days": "14",
        "quota_hours": "20",
        "quota_period": agreement_a.quota_period,
        "carry_over": "none",
        "carry_over_cap_hours": "0",
        "hourly_rate": "95.00",
        "contact_visibility": agreement_a.contact_visibility,
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": str(len(targets)),
        "targets-MIN_NUM_FORMS": "1",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for index, target in enumerate(targets):
        resolution = "2 h" if target.priority == 1 else f"{target.resolution_minutes} min"
        data |= {
            f"targets-{index}-id": target.pk,
            f"targets-{index}-agreement": agreement_a.pk,
            f"targets-{index}-priority": target.priority,
            f"targets-{index}-first_response_minutes": f"{target.first_response_minutes} min",
            f"targets-{index}-resolution_minutes": resolution,
        }
    response = client.post(f"/admin/agreements/agreement/{agreement_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = _only(Action.AGREEMENT_CHANGED)
    assert entry.details == {
        "changes": {
            "valid_until": {"from": None, "to": "2026-12-31"},
            "sla_target.1.resolution_minutes": {"from": 240, "to": 120},
        }
    }


def test_portal_export(client: Client, anna: User, agreement_a: Agreement) -> None:
    ticket_create(actor=anna, requester=anna.contact, subject="Printer")
    client.force_login(anna)
    response = client.get("/portal/requests/export.csv", {"status": "all", "bogus": "x"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    entry = _only(Action.EXPORTED)
    assert (entry.actor, entry.address) == (anna, ADDRESS)
    assert entry.details == {"export": "support_requests", "filters": {"status": "all"}, "rows": 1}


def _attachment(settings: Any, tmp_path: Any, anna: User, agent: User) -> Attachment:
    settings.MEDIA_ROOT = tmp_path
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Intranet is slow")
    log = SimpleUploadedFile("spooler.log", b"ERROR spooler stalled\n", content_type="text/plain")
    return ticket_reply(actor=agent, ticket=ticket, body="The log.", files=[log]).attachments.get()


def test_staff_download_of_an_attachment(
    client: Client, settings: Any, tmp_path: Any, anna: User, agent: User, agreement_a: Agreement
) -> None:
    attachment = _attachment(settings, tmp_path, anna, agent)
    identifier = attachment.ticket.identifier
    client.force_login(agent)
    response = client.get(f"/desk/requests/{identifier}/files/{attachment.pk}/", REMOTE_ADDR=ADDRESS)
    assert b"".join(response.streaming_content) == b"ERROR spooler stalled\n"
    entry = _only(Action.ATTACHMENT_DOWNLOADED)
    assert (entry.actor, entry.target_type, entry.target_id) == (agent, "tickets.attachment", str(attachment.pk))
    assert (entry.target_label, entry.address) == (f"{identifier}: spooler.log", ADDRESS)
    # A file that is not there is no download.
    assert client.get(f"/desk/requests/{identifier}/files/{attachment.pk + 1}/").status_code == 404
    assert AuditEntry.objects.filter(action=Action.ATTACHMENT_DOWNLOADED).count() == 1


def test_a_contacts_download_of_their_own_file_is_not_audited(
    client: Client, settings: Any, tmp_path: Any, anna: User, agent: User, agreement_a: Agreement
) -> None:
    attachment = _attachment(settings, tmp_path, anna, agent)
    client.force_login(anna)
    response = client.get(f"/portal/requests/{attachment.ticket.identifier}/files/{attachment.pk}/")
    assert b"".join(response.streaming_content) == b"ERROR spooler stalled\n"
    assert not AuditEntry.objects.filter(action=Action.ATTACHMENT_DOWNLOADED).exists()
