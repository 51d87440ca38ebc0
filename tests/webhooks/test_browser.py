"""Anna, the customer manager, connects her organisation's own service desk in a real browser: she makes a webhook
in Online Support Services, copies its secret, and reads the delivery log; in her language, accessible."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_portal import untranslated
from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD, speaks
from tests.webhooks.conftest import Receiver
from tuki.tickets.services import ticket_create
from tuki.webhooks.models import Subscription
from tuki.webhooks.signing import verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_anna_connects_her_service_desk(
    page: Page, live_server: Any, browser: Browser, anna: Any, agreement_a: Any, receiver: Receiver, language: str
) -> None:
    speaks(anna, language)
    log_in(page, live_server.url, "anna@org-a.example", PASSWORD)
    page.goto(f"{live_server.url}/portal/profile/")
    page.locator("a[href='/portal/integrations/']").click()
    page.wait_for_url("**/portal/integrations/")
    page.locator("#id_url").fill(receiver.url())
    page.locator("input[value='request.created']").check()
    page.locator("input[value='request.state_changed']").check()
    page.locator("form:has(#id_url) button[type=submit]").click()
    secret = page.locator("[data-webhook-secret]").input_value()
    assert secret.startswith("whsec_") and Subscription.objects.get().secret == secret
    screenshot(page, f"portal-webhooks-{language}")
    texts = [page.inner_text("body")]
    assert axe_violations(browser, page.url, page.context.cookies()) == []

    ticket_create(actor=anna, requester=anna.contact, subject="Printing fails", priority=3)
    [message] = receiver.received
    verify(secret, message.headers, message.body, now=int(message.headers["webhook-timestamp"]))
    page.locator("table a", has_text=receiver.url()).click()
    expect(page.locator("table").last).to_contain_text("request.created")
    expect(page.locator("table").last).to_contain_text("200")
    assert secret not in page.content()
    screenshot(page, f"portal-webhook-{language}")
    texts.append(page.inner_text("body"))
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    if language != "fi":
        assert [found for text in texts for found in untranslated(text, language)] == []
