"""A service manager sets up two-step login in a real browser: an authenticator app (then a code and a recovery
code at login) and a security key (Chromium's virtual authenticator)."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qs

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tests.second_step import code_for, enrolled_device
from tuki.mfa.models import WebAuthnDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_out(page: Page) -> None:
    page.locator(".logout-form button").click()
    page.wait_for_load_state()


def test_manager_enrols_an_app_and_logs_in_with_its_code(
    page: Page, live_server: Any, browser: Browser, manager: Any
) -> None:
    log_in(page, live_server.url, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/desk/")
    page.wait_for_url("**/accounts/two-step/enrol/**")
    expect(page.locator("h1")).to_have_text("Lisää todennussovellus")
    expect(page.locator("img.qr-code")).to_be_visible()
    screenshot(page, "mfa-enrol-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []

    # What a person types from the page into their app: the manual key. The app then shows this code.
    key = page.locator("#manual-key").inner_text().replace(" ", "")
    app = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    page.get_by_label("Sovelluksen koodi").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Vahvista").click()
    page.wait_for_load_state()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code) for code in codes)
    screenshot(page, "mfa-recovery-codes-fi")
    page.get_by_role("link", name="Olen tallentanut koodit").click()
    page.wait_for_url("**/accounts/two-step/")
    expect(page.locator(".device-list li")).to_have_count(1)
    screenshot(page, "mfa-devices-fi")

    _log_out(page)
    log_in(page, live_server.url, manager.email, PASSWORD)
    page.wait_for_url("**/accounts/two-step/verify/**")
    screenshot(page, "mfa-verify-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    # The code used to enrol is spent: the next one the app shows (django-otp allows a step of drift).
    device = TOTPDevice.objects.get(user=manager)
    page.get_by_label("Koodi").fill(code_for(device))
    page.get_by_role("button", name="Jatka").click()
    page.wait_for_url("**/desk/")
    expect(page.locator("h1").first).to_be_visible()

    _log_out(page)
    log_in(page, live_server.url, manager.email, PASSWORD)
    page.get_by_label("Koodi").fill(codes[0].lower())
    page.get_by_role("button", name="Jatka").click()
    page.wait_for_url("**/desk/")
    expect(page.locator(".message-warning")).to_contain_text("9")
    assert page.console_problems == []  # type: ignore[attr-defined]


def test_a_wrong_code_keeps_the_desk_shut(page: Page, live_server: Any, manager: Any) -> None:
    device = enrolled_device(manager)
    log_in(page, live_server.url, manager.email, PASSWORD)
    page.wait_for_url("**/accounts/two-step/verify/**")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    page.get_by_label("Koodi").fill(wrong)
    page.get_by_role("button", name="Jatka").click()
    page.wait_for_load_state()
    expect(page.locator(".errorlist")).to_contain_text("väärä")
    page.goto(f"{live_server.url}/desk/")
    assert "/accounts/two-step/verify/" in page.url


def test_manager_registers_a_security_key_and_logs_in_with_it(
    page: Page, live_server: Any, browser: Browser, manager: Any
) -> None:
    # Chromium's virtual authenticator stands in for a USB key that a person touches.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in(page, live_server.url, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/desk/")
    page.wait_for_url("**/accounts/two-step/enrol/**")
    page.get_by_label("Avaimen nimi").fill("Avainnipun avain")
    page.get_by_role("button", name="Lisää suojausavain").click()
    page.wait_for_url("**/accounts/two-step/enrol/key/")
    expect(page.locator("#recovery-codes code")).to_have_count(10)
    key = WebAuthnDevice.objects.get(user=manager)
    assert key.name == "Avainnipun avain"
    page.get_by_role("link", name="Olen tallentanut koodit").click()
    expect(page.locator(".device-list")).to_contain_text("Avainnipun avain")

    _log_out(page)
    log_in(page, live_server.url, manager.email, PASSWORD)
    page.wait_for_url("**/accounts/two-step/verify/**")
    screenshot(page, "mfa-verify-key-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    answers: list[str] = []
    page.on("request", lambda r: r.method == "POST" and "/two-step/verify/" in r.url and answers.append(r.post_data))
    page.get_by_role("button", name="Käytä suojausavaintasi").click()
    page.wait_for_url("**/desk/")
    key.refresh_from_db()
    assert key.sign_count >= 1
    assert page.console_problems == []  # type: ignore[attr-defined]

    # The signed answer is good for its own challenge only: sent again in a later login, it opens nothing.
    _log_out(page)
    log_in(page, live_server.url, manager.email, PASSWORD)
    page.wait_for_url("**/accounts/two-step/verify/**")
    replayed = page.request.post(
        f"{live_server.url}/accounts/two-step/verify/",
        form={
            "csrfmiddlewaretoken": page.locator("#key-verify input[name=csrfmiddlewaretoken]").input_value(),
            "credential": parse_qs(answers[0])["credential"][0],
        },
        headers={"Referer": page.url},
        max_redirects=0,
    )
    assert replayed.status == 200
    page.goto(f"{live_server.url}/desk/")
    assert "/accounts/two-step/verify/" in page.url
