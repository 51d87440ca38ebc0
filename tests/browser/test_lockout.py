"""anna, locked out after too many wrong passwords, finds the way to a new password on the lockout itself, sets
one through the mailed link and is in again, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser_fixtures import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lockout_leads_to_a_new_password(page: Page, live_server: Any, anna: Any) -> None:
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, live_server.url, "anna@org-a.example", "not-her-password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("estetty 15 minuutiksi")
    expect(alert).to_contain_text("Uusi salasana poistaa lukituksen heti.")
    screenshot(page, "login-locked-out")

    alert.get_by_role("link", name="Palauta salasana").click()
    page.get_by_label("Sähköpostiosoite").fill("anna@org-a.example")
    page.get_by_role("button", name="Lähetä linkki").click()
    page.wait_for_load_state()
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/password-reset/\S+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(live_server.url + link.group(1))
    new = "a-fresh-and-long-passphrase"
    page.locator("[name=new_password1]").fill(new)
    page.locator("[name=new_password2]").fill(new)
    page.get_by_role("button", name="Tallenna salasana").click()
    page.wait_for_load_state()

    log_in(page, live_server.url, "anna@org-a.example", new)
    expect(page).to_have_url(re.compile(r"/portal/"))
    # The browser reports the lockout's own status (429) as a failed load; nothing else may go wrong.
    problems = [p for p in page.console_problems if "status of 429" not in p]  # type: ignore[attr-defined]
    assert problems == []
