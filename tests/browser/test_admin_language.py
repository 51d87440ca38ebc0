"""The admin in Finnish is Finnish throughout: the apps' names, the models of the login-attempt log and the
filter widget that its JavaScript catalogue draws."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, expect

from tests.second_step import VerifyingClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ENGLISH = ["Access attempts", "Access failures", "Access logs", "by selecting them", "Choose all", "Remove all"]


def test_the_finnish_admin_shows_no_english(browser: Browser, live_server: Any, manager: Any, agreement_a: Any) -> None:
    client = VerifyingClient()  # managers pass the second step of login
    client.force_login(manager)
    context = browser.new_context(locale="fi-FI", viewport={"width": 1366, "height": 900})
    host = urlparse(live_server.url).hostname
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(f"{live_server.url}/admin/")
    text = page.locator("body").inner_text()
    assert [word for word in ENGLISH if word in text] == []
    page.goto(f"{live_server.url}/admin/agreements/agreement/{agreement_a.pk}/change/")
    expect(page.locator(".selector-available")).to_be_visible()
    text = page.locator("body").inner_text()
    assert [word for word in ENGLISH if word in text] == []
    assert problems == []
    context.close()
