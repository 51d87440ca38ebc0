"""The signed-in user read back on every request: with the contact and its customer, in one query, and never a
user who may no longer be signed in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from tuki.accounts.backends import UserBackend
from tuki.accounts.models import Contact, User
from tuki.accounts.services import contact_deactivate


def _fields(obj: Any) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def test_contact_comes_with_contact_and_customer_in_one_query(anna: User, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        user = UserBackend().get_user(anna.pk)
        assert user is not None
        contact, organisation = user.contact, user.contact.organisation
    expected = User.objects.select_related("contact__organisation").get(pk=anna.pk)
    assert _fields(user) == _fields(expected)
    assert _fields(contact) == _fields(expected.contact)
    assert _fields(organisation) == _fields(expected.contact.organisation)
    assert contact.user is user  # the way back needs no query either
    assert not user._state.adding and user._state.db == "default"


def test_staff_has_no_contact(agent: User, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        user = UserBackend().get_user(agent.pk)
        assert user is not None
        assert not hasattr(user, "contact")
    assert _fields(user) == _fields(User.objects.get(pk=agent.pk))


def test_unknown_user_is_nobody(anna: User) -> None:
    assert UserBackend().get_user(anna.pk + 1000) is None


def test_each_read_sees_the_row_as_it_is_now(anna: User) -> None:
    UserBackend().get_user(anna.pk)  # the query is made before the change
    User.objects.filter(pk=anna.pk).update(full_name="Anna Uusinimi")
    Contact.objects.filter(pk=anna.contact.pk).update(phone="+358 40 123")
    user = UserBackend().get_user(anna.pk)
    assert user is not None
    assert (user.full_name, user.contact.phone) == ("Anna Uusinimi", "+358 40 123")


def test_deactivated_user_is_signed_out_on_the_next_request(client: Client, anna: User) -> None:
    client.force_login(anna)
    assert client.get(reverse("portal:requests")).status_code == 200
    contact_deactivate(contact=anna.contact)
    response = client.get(reverse("portal:requests"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_changed_password_signs_out_other_sessions(client: Client, anna: User, rf: Any) -> None:
    client.force_login(anna)
    assert client.get(reverse("portal:requests")).status_code == 200
    anna.set_password("a whole new passphrase")
    anna.save(update_fields=["password"])
    response = client.get(reverse("portal:requests"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    request = rf.get("/")
    request.session = client.session
    assert not get_user(request).is_authenticated
