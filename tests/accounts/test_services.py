from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuki.accounts.models import Contact, Organisation, User
from tuki.accounts.services import (
    contact_create,
    contact_deactivate,
    contact_reactivate,
    organisation_create,
    user_update_preferences,
    user_update_profile,
)


def test_business_unit_must_belong_to_the_contacts_organisation(org_a: Organisation, unit_b: Any) -> None:
    with pytest.raises(ValidationError) as error:
        contact_create(organisation=org_a, email="x@org-a.example", full_name="X", business_unit=unit_b)
    assert "business_unit" in error.value.message_dict
    assert not User.objects.filter(email="x@org-a.example").exists()


def test_duplicate_email_is_refused_and_nothing_half_written(anna: Any, org_b: Organisation) -> None:
    with pytest.raises(ValidationError) as error:
        contact_create(organisation=org_b, email="Anna@Org-A.example", full_name="Impostor")
    assert "email" in error.value.message_dict
    assert Contact.objects.filter(organisation=org_b).count() == 0


def test_deactivation_keeps_the_contact_and_can_be_undone(anna: Any) -> None:
    contact = contact_deactivate(contact=anna.contact)
    assert contact.deactivated_at is not None
    assert not contact.user.is_active
    assert Contact.objects.filter(pk=contact.pk).exists()
    contact = contact_reactivate(contact=contact)
    assert contact.is_active


def test_own_settings_are_changed_by_their_owner_only(agent: Any, anna: Any) -> None:
    with pytest.raises(PermissionDenied):
        user_update_profile(actor=agent, user=anna, full_name="Someone else", language="fi", mail_notifications=True)
    user_update_profile(actor=anna, user=anna, full_name="  Anna A.  ", language="sv", mail_notifications=False)
    anna.refresh_from_db()
    assert (anna.full_name, anna.language, anna.mail_notifications) == ("Anna A.", "sv", False)


def test_own_settings_are_checked_before_they_are_written(agent: Any) -> None:
    with pytest.raises(ValidationError) as error:
        user_update_preferences(actor=agent, user=agent, language="de", on_duty=False, sla_digest=True)
    assert "language" in error.value.message_dict
    agent.refresh_from_db()
    assert (agent.language, agent.on_duty, agent.sla_digest) == ("fi", True, False)
    user_update_preferences(actor=agent, user=agent, language="en", on_duty=False, sla_digest=True)
    agent.refresh_from_db()
    assert (agent.language, agent.on_duty, agent.sla_digest) == ("en", False, True)


def test_the_account_manager_is_one_of_the_supplier_staff(agent: Any, anna: Any) -> None:
    with pytest.raises(ValidationError) as error:
        organisation_create(name="Org C Oy", account_manager=anna)
    assert "account_manager" in error.value.message_dict
    assert not Organisation.objects.filter(name="Org C Oy").exists()
    assert organisation_create(name="Org C Oy", account_manager=agent).account_manager == agent
