"""The second step over HTTP: no desk page opens before it, and the login, enrolment and device pages work."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.test_portal import untranslated
from tests.conftest import PASSWORD, speaks
from tests.second_step import code_for, enrolled_device
from tuki.mfa.models import RecoveryCode
from tuki.mfa.services import recovery_codes_regenerate

ARGUMENTS = {"identifier": "SR-1", "pk": 1, "kind": "totp", "attachment_id": 1, "slug": "x", "category": "x"}
ARGUMENTS |= {"organisation_id": 1, "month": "2026-10", "extension": "csv"}


def _names(resolver: URLResolver, namespace: str) -> list[tuple[str, list[str]]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            found.append((f"{namespace}:{pattern.name}", list(pattern.pattern.converters)))
    return found


def desk_urls() -> list[str]:
    """Every address of the desk, the desk's handbook and the admin's front page, with arguments filled in."""
    resolver = get_resolver()
    urls = []
    for namespace in ("desk", "desk_handbook"):
        for name, params in _names(resolver.namespace_dict[namespace][1], namespace):
            urls.append(reverse(name, kwargs={param: ARGUMENTS[param] for param in params}))
    return [*urls, "/admin/", "/admin/accounts/organisation/", reverse("mfa:devices")]


DESK_URLS = desk_urls()


def _log_in(client: Client, email: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})


@pytest.mark.parametrize("url", DESK_URLS)
def test_a_manager_with_an_authenticator_opens_nothing_before_the_code(manager: Any, url: str) -> None:
    enrolled_device(manager)
    client = Client()
    _log_in(client, manager.email)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response.url.startswith(reverse("mfa:verify"))


@pytest.mark.parametrize("url", DESK_URLS)
def test_a_manager_without_an_authenticator_is_sent_to_enrol(manager: Any, url: str) -> None:
    client = Client()
    _log_in(client, manager.email)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa:enrol"))


def test_the_desk_has_addresses_to_check() -> None:
    assert len(DESK_URLS) > 20
    assert all(re.match(r"^/(desk|admin|accounts)/", url) for url in DESK_URLS)


def test_the_desk_fails_closed_without_the_middleware(manager: Any, settings: Any) -> None:
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("SecondStepMiddleware")]
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("desk:home")).status_code == 403


def test_password_then_code_opens_the_desk(manager: Any) -> None:
    device = enrolled_device(manager)
    client = Client()
    response = _log_in(client, manager.email)
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa:verify"))
    assert "otp_device_id" not in client.session

    wrong = client.post(reverse("mfa:verify"), {"code": "12345"})
    assert wrong.status_code == 200
    assert "wrong or already used" in wrong.content.decode() or "väärä" in wrong.content.decode()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(reverse("mfa:verify"), {"code": code_for(device), "next": reverse("desk:customers")})
    assert response.status_code == 302
    assert response.url == reverse("desk:customers")
    assert client.get(reverse("desk:home")).status_code == 200


def test_a_recovery_code_opens_the_desk_once(manager: Any) -> None:
    enrolled_device(manager)
    codes = recovery_codes_regenerate(user=manager)
    first = Client()
    _log_in(first, manager.email)
    assert first.post(reverse("mfa:verify"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("desk:home")).status_code == 200
    second = Client()
    _log_in(second, manager.email)
    assert second.post(reverse("mfa:verify"), {"code": codes[0]}).status_code == 200
    assert second.get(reverse("desk:home")).status_code == 302


def test_a_manager_enrols_and_sees_ten_codes_once(manager: Any) -> None:
    client = Client()
    _log_in(client, manager.email)
    page = client.get(reverse("mfa:enrol"))
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    response = client.post(reverse("mfa:enrol"), {"code": code_for(device)})
    assert response.status_code == 200
    shown = re.findall(r"<code>([0-9A-Z-]{19})</code>", response.content.decode())
    assert len(shown) == 10
    assert RecoveryCode.objects.filter(device__user=manager).count() == 10
    assert client.get(reverse("desk:home")).status_code == 200
    devices = client.get(reverse("mfa:devices")).content.decode()
    assert not any(code in devices for code in shown)


def test_an_agent_needs_no_second_step_unless_the_setting_says_so(agent: Any, settings: Any) -> None:
    client = Client()
    _log_in(client, agent.email)
    assert client.get(reverse("desk:home")).status_code == 200
    settings.TUKI_MFA_REQUIRED_FOR_AGENTS = True
    response = client.get(reverse("desk:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa:enrol"))


def test_an_agent_with_an_authenticator_uses_it(agent: Any) -> None:
    enrolled_device(agent)
    client = Client()
    _log_in(client, agent.email)
    assert client.get(reverse("desk:home")).url.startswith(reverse("mfa:verify"))


def test_contacts_are_not_asked(anna: Any) -> None:
    client = Client()
    _log_in(client, anna.email)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert client.get(reverse("mfa:enrol")).status_code == 404


def test_a_half_logged_in_manager_cannot_add_a_device(manager: Any) -> None:
    enrolled_device(manager)
    client = Client()
    _log_in(client, manager.email)
    response = client.get(reverse("mfa:enrol"))
    assert response.url.startswith(reverse("mfa:verify"))
    assert not TOTPDevice.objects.filter(user=manager, confirmed=False).exists()


def test_removing_the_last_authenticator_is_refused_with_a_message(client: Client, manager: Any) -> None:
    device = enrolled_device(manager)
    client.force_login(manager)
    response = client.post(reverse("mfa:device_remove", args=["totp", device.pk]), follow=True)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert "only authenticator" in response.content.decode() or "ainoa" in response.content.decode()


def test_logging_out_ends_the_second_step_too(client: Client, manager: Any) -> None:
    client.force_login(manager)
    assert client.get(reverse("desk:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    _log_in(client, manager.email)
    assert client.get(reverse("desk:home")).url.startswith(reverse("mfa:verify"))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_pages_of_the_second_step_speak_the_users_language(manager: Any, language: str) -> None:
    speaks(manager, language)
    client = Client()
    _log_in(client, manager.email)
    enrol = client.get(reverse("mfa:enrol")).content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    codes = client.post(reverse("mfa:enrol"), {"code": code_for(device)}).content.decode()
    devices = client.get(reverse("mfa:devices")).content.decode()
    client.post(reverse("accounts:logout"))
    _log_in(client, manager.email)
    verify = client.get(reverse("mfa:verify")).content.decode()
    for page in (enrol, codes, devices, verify):
        assert untranslated(page, language) == []
