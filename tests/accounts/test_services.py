from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tuki.accounts.models import Contact, Organisation, User
from tuki.accounts.services import contact_create, contact_deactivate, contact_reactivate


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
