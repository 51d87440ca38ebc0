"""The one scoping function: a contact of org A sees nothing of org B, by any model."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tuki.accounts.models import BusinessUnit, Contact, Organisation, User
from tuki.accounts.services import contact_deactivate
from tuki.core.scoping import get_visible_or_404, visible_to

SCOPED_MODELS = [Organisation, BusinessUnit, Contact]


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_contact_of_org_a_sees_only_org_a(model: Any, anna: User, bertil: User, org_a: Organisation) -> None:
    seen = list(visible_to(anna, model))
    assert seen
    for obj in seen:
        assert (obj if model is Organisation else obj.organisation) == org_a


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_org_b_objects_are_404_for_anna(model: Any, anna: User, bertil: User, org_b: Organisation) -> None:
    for obj in visible_to(bertil, model):
        with pytest.raises(Http404):
            get_visible_or_404(anna, model, pk=obj.pk)


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_staff_see_every_organisation(model: Any, agent: User, manager: User, anna: User, bertil: User) -> None:
    everything = model.objects.count()
    assert visible_to(agent, model).count() == everything
    assert visible_to(manager, model).count() == everything


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_anonymous_and_deactivated_see_nothing(model: Any, anna: User, bertil: User) -> None:
    assert not visible_to(AnonymousUser(), model).exists()
    assert not visible_to(None, model).exists()
    contact_deactivate(contact=anna.contact)
    assert not visible_to(User.objects.get(pk=anna.pk), model).exists()


def test_scoping_narrows_a_given_queryset(anna: User, bertil: User) -> None:
    everyone = Contact.objects.all()
    assert set(visible_to(anna, everyone)) == {anna.contact}


def test_a_model_without_a_scoping_rule_fails_closed(anna: User) -> None:
    with pytest.raises(TypeError, match="ORGANISATION_PATH"):
        visible_to(anna, User)


def test_a_user_who_is_neither_staff_nor_contact_sees_nothing(db: Any) -> None:
    loner = User.objects.create_user("loner@example.com", "pw-123456789", full_name="Loner")
    assert not visible_to(loner, Organisation).exists()


def test_garbage_ids_are_404_not_errors(anna: User) -> None:
    with pytest.raises(Http404):
        get_visible_or_404(anna, Organisation, pk="not-a-number")
