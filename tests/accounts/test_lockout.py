"""The lockout as a weapon: an attacker elsewhere cannot lock anna out, many names from one address are slowed
rather than locked, the client's address is read from the proxy's header only behind a proxy, and the locked-out
user is offered the password reset, which lifts the lock."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

ATTACKER = "203.0.113.7"
ANNA_AT_WORK = "198.51.100.2"
PROXY = "10.0.0.1"
LOCKED = "paused for 15 minutes"
SLOWED = "Too many failed logins from your network"


def _login(client: Client, email: str, password: str, address: str, **headers: str) -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


def _lock_anna_from(address: str, **headers: str) -> Any:
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(attacker, "anna@org-a.example", "guess", address, **headers)
    assert response.status_code == 429
    return response


def test_an_attacker_elsewhere_cannot_lock_anna_out(anna: Any) -> None:
    attacker = Client()
    for _ in range(20):
        _login(attacker, "anna@org-a.example", "guess", ATTACKER)
    assert LOCKED in _login(attacker, "anna@org-a.example", PASSWORD, ATTACKER).content.decode()
    # anna, at work, mistypes once and then gets it right.
    anna_client = Client()
    assert _login(anna_client, "anna@org-a.example", "typo", ANNA_AT_WORK).status_code == 200
    assert _login(anna_client, "anna@org-a.example", PASSWORD, ANNA_AT_WORK).status_code == 302


def test_the_same_account_and_address_are_locked_after_the_limit(anna: Any, aaro: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "anna@org-a.example", "guess", ANNA_AT_WORK).status_code == 200
    locked = _login(client, "anna@org-a.example", "guess", ANNA_AT_WORK)
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert _login(client, "anna@org-a.example", PASSWORD, ANNA_AT_WORK).status_code == 429
    # The address itself is not locked: aaro, at the same office, logs in.
    assert _login(Client(), "aaro@org-a.example", PASSWORD, ANNA_AT_WORK).status_code == 302


def test_failures_against_unknown_names_do_not_lock_the_address(anna: Any) -> None:
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT + 2):
        assert _login(client, f"nobody{number}@org-a.example", "guess", ANNA_AT_WORK).status_code == 200
    assert _login(Client(), "anna@org-a.example", PASSWORD, ANNA_AT_WORK).status_code == 302


def test_many_names_from_one_address_are_slowed_not_locked(anna: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:10+02:00", tick=False)
    attacker = Client()
    for number in range(settings.TUKI_LOGIN_ADDRESS_FAILURES):
        assert _login(attacker, f"user{number}@org-a.example", "guess", ATTACKER).status_code == 200
    slowed = _login(attacker, "anna@org-a.example", PASSWORD, ATTACKER)
    assert slowed.status_code == 429
    assert f"{SLOWED}. Wait 290 seconds and try again." in slowed.content.decode()
    assert slowed["Retry-After"] == "290"
    assert "_auth_user_id" not in attacker.session
    # Refused attempts count against nobody: no account is locked, and anna elsewhere logs in.
    assert not AccessAttempt.objects.filter(failures_since_start__gte=2).exists()
    assert _login(Client(), "anna@org-a.example", PASSWORD, ANNA_AT_WORK).status_code == 302
    # When the window is over, the address is heard again.
    time_machine.shift(290)
    assert _login(Client(), "anna@org-a.example", PASSWORD, ATTACKER).status_code == 302


def test_the_slowing_answer_is_translated(anna: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:00+02:00", tick=False)
    client = Client()
    for number in range(settings.TUKI_LOGIN_ADDRESS_FAILURES):
        client.post(reverse("accounts:login"), {"username": f"u{number}@x.example", "password": "x"})
    response = client.post(reverse("accounts:login"), {"username": "anna@org-a.example", "password": "x"})
    assert "Odota 300 sekuntia" in response.content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": "anna@org-a.example", "password": "x"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert "Vänta 300 sekunder" in response.content.decode()


def test_a_forwarded_for_header_is_ignored_without_a_proxy(anna: Any) -> None:
    attacker = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        response = _login(attacker, "anna@org-a.example", "guess", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Nor can a header claim anna's address and lock her out there.
    _lock_anna_from(ATTACKER, HTTP_X_FORWARDED_FOR=ANNA_AT_WORK)
    assert _login(Client(), "anna@org-a.example", PASSWORD, ANNA_AT_WORK).status_code == 302


@override_settings(TUKI_BEHIND_PROXY=True, TUKI_TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_client_is_read_from_its_header(anna: Any) -> None:
    # The attacker writes the left part of the header; the proxy appends the address it saw.
    _lock_anna_from(PROXY, HTTP_X_FORWARDED_FOR=f"{ANNA_AT_WORK}, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = _login(Client(), "anna@org-a.example", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=ANNA_AT_WORK)
    assert response.status_code == 302


@override_settings(TUKI_BEHIND_PROXY=True, TUKI_TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_entry_the_outer_one_wrote_counts(anna: Any) -> None:
    _lock_anna_from(PROXY, HTTP_X_FORWARDED_FOR=f"{ANNA_AT_WORK}, {ATTACKER}, 10.0.0.2")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = _login(Client(), "anna@org-a.example", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=f"{ANNA_AT_WORK}, 10.0.0.2")
    assert response.status_code == 302


def _ask_resets(count: int, address: str, **headers: str) -> Any:
    client = Client()
    for number in range(count):
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": f"someone{number}@org-a.example"},
            REMOTE_ADDR=address,
            HTTP_ACCEPT_LANGUAGE="en",
            **headers,
        )
    return response


def test_the_reset_limit_per_client_ignores_the_header_without_a_proxy(db: Any) -> None:
    assert _ask_resets(20, ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 302
    refused = _ask_resets(1, ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.2")
    assert "Too many password reset requests" in refused.content.decode()


@override_settings(TUKI_BEHIND_PROXY=True)
def test_the_reset_limit_per_client_is_per_client_behind_a_proxy(db: Any) -> None:
    assert _ask_resets(20, PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 302
    refused = _ask_resets(1, PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.9, {ATTACKER}")
    assert "Too many password reset requests" in refused.content.decode()
    assert _ask_resets(1, PROXY, HTTP_X_FORWARDED_FOR=ANNA_AT_WORK).status_code == 302


def test_the_lockout_offers_the_reset_and_the_reset_lifts_the_lock(anna: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = _login(client, "anna@org-a.example", "guess", ANNA_AT_WORK)
    alert = re.search(r'<div class="form-error" role="alert">(.*?)</div>', locked.content.decode(), re.S)
    assert alert, locked.content.decode()
    reset_url = reverse("accounts:password_reset")
    assert f'href="{reset_url}"' in alert.group(1)
    assert "A new password lifts the lock at once." in alert.group(1)

    client.post(reset_url, {"email": "anna@org-a.example"}, REMOTE_ADDR=ANNA_AT_WORK)
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/password-reset/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True, REMOTE_ADDR=ANNA_AT_WORK)
    new = "a-fresh-and-long-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, REMOTE_ADDR=ANNA_AT_WORK
    )
    assert done.status_code == 302
    assert _login(client, "anna@org-a.example", new, ANNA_AT_WORK).status_code == 302


def test_a_reset_request_reads_the_same_for_known_and_unknown_addresses(anna: Any) -> None:
    url = reverse("accounts:password_reset")
    known, unknown = (
        [Client().post(url, {"email": email}, HTTP_ACCEPT_LANGUAGE="en") for _ in range(4)]
        for email in ("anna@org-a.example", "nobody@org-a.example")
    )
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302, 302, 302, 200]
    assert known[0].url == unknown[0].url
    assert "Too many password reset requests" in known[-1].content.decode()
    assert "Too many password reset requests" in unknown[-1].content.decode()


def test_an_account_is_one_account_however_its_address_is_written(anna: Any) -> None:
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        email = "Anna@Org-A.example" if number % 2 else " anna@org-a.example"
        response = _login(client, email, "guess", ANNA_AT_WORK)
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"anna@org-a.example"}


@pytest.mark.parametrize(
    ("language", "elsewhere", "account_locked"),
    [
        ("fi", "Muualta kirjautuminen toimii", "tili on lukittu"),
        ("sv", "Inloggningar från andra platser fungerar", "kontot är låst"),
        ("en", "Logins from elsewhere work as before", "account is locked"),
    ],
)
def test_the_lockout_message_says_the_lock_is_on_this_address_only(
    anna: Any, language: str, elsewhere: str, account_locked: str
) -> None:
    # The lock holds for the account and the address together: telling anna her account is locked would send
    # her to reset a password that works from any other network.
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("accounts:login"),
            {"username": "anna@org-a.example", "password": "guess"},
            REMOTE_ADDR=ANNA_AT_WORK,
            HTTP_ACCEPT_LANGUAGE=language,
        )
    page = response.content.decode()
    assert response.status_code == 429
    assert elsewhere in page and "15" in page
    assert account_locked not in page
