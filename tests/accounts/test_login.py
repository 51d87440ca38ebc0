"""Logging in and out, the lockout after repeated failures, and where each kind of user lands."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

WRONG = "The email address or password is wrong."


def _login(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def test_passwords_are_hashed_with_argon2(anna: Any) -> None:
    assert identify_hasher(anna.password).algorithm == "argon2"


def test_contact_lands_in_the_portal(client: Client, anna: Any) -> None:
    response = _login(client, "anna@org-a.example", PASSWORD)
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("portal:dashboard")


def test_agent_lands_on_the_desk(client: Client, agent: Any) -> None:
    response = _login(client, "AGENT@supplier.example", PASSWORD)
    assert client.get(response.url).url == reverse("desk:home")


def test_wrong_password_and_unknown_account_look_the_same(client: Client, anna: Any) -> None:
    wrong_password = _login(client, "anna@org-a.example", "not-her-password")
    no_such_account = _login(client, "nobody@org-a.example", "not-her-password")
    assert wrong_password.status_code == no_such_account.status_code == 200
    assert WRONG in wrong_password.content.decode()
    assert WRONG in no_such_account.content.decode()


def test_deactivated_contact_cannot_log_in(client: Client, anna: Any) -> None:
    from tuki.accounts.services import contact_deactivate

    contact_deactivate(contact=anna.contact)
    response = _login(client, "anna@org-a.example", PASSWORD)
    assert WRONG in response.content.decode()


def test_tenth_wrong_password_locks_the_account(client: Client, anna: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "anna@org-a.example", "wrong").status_code == 200
    tenth = _login(client, "anna@org-a.example", "wrong")
    assert tenth.status_code == 429
    assert "paused for 15 minutes" in tenth.content.decode()
    # Even the right password is refused until the cool-off has passed.
    right = _login(client, "anna@org-a.example", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_message_is_in_finnish_by_default(client: Client, anna: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": "anna@org-a.example", "password": "x"})
    assert "estetty 15 minuutiksi" in response.content.decode()


def test_logout_is_a_post(client: Client, anna: Any) -> None:
    client.force_login(anna)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_form_needs_a_csrf_token(anna: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": "anna@org-a.example", "password": PASSWORD})
    assert response.status_code == 403


def test_faces_are_closed_to_the_other_side(client: Client, anna: Any, agent: Any) -> None:
    client.force_login(anna)
    assert client.get(reverse("desk:home")).status_code == 404
    client.force_login(agent)
    assert client.get(reverse("portal:dashboard")).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client: Client, db: Any) -> None:
    for name in ("portal:dashboard", "desk:home"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_admin_is_for_managers_only(client: Client, agent: Any, manager: Any, anna: Any) -> None:
    client.force_login(manager)
    assert client.get("/admin/accounts/organisation/").status_code == 200
    for someone in (agent, anna):
        client.force_login(someone)
        response = client.get("/admin/accounts/organisation/")
        assert response.status_code == 302
        assert "/admin/login/" in response.url


def _login_from(client: Client, address: str, email: str, password: str) -> Any:
    data = {"username": email, "password": password}
    return client.post(reverse("accounts:login"), data, HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
