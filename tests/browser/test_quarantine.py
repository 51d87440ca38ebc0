"""An agent meets mail whose sender could not be verified in the desk's quarantine, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tests.mail.messages import mail
from tuki.mail.intake.entry import intake
from tuki.mail.models import InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_accepts_one_unverified_mail_and_rejects_another(
    page: Page,
    live_server: Any,
    browser: Browser,
    agent: Any,
    anna: Any,
    agreement_a: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TUKI_MAIL_AUTHSERV_ID = "mx.tuki.test"
    for subject in ("Tulostin ei tulosta", "Maksakaa lasku"):
        intake(
            mail(sender="Anna Asiakas <anna@org-a.example>", subject=subject, authenticated=False),
            source=InboundSource.PIPE,
        )
    log_in(page, live_server.url, "agent@supplier.example", PASSWORD)
    nav = page.locator(".main-nav a[href='/desk/mail/quarantine/']")
    expect(nav).to_contain_text("2")
    nav.click()
    expect(page.locator("h1")).to_have_text("Karanteeni")
    screenshot(page, "desk-quarantine-fi")
    assert axe_violations(browser, page.url, page.context.cookies()) == []
    page.locator("tr", has_text="Tulostin ei tulosta").get_by_role("button", name="Hyväksy").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.locator("tr", has_text="Maksakaa lasku").get_by_role("button", name="Hylkää").click()
    expect(page.locator("h2#quarantine-empty")).to_be_visible()
    expect(nav).to_contain_text("0")
    assert Ticket.objects.get().subject == "Tulostin ei tulosta"
    assert InboundMessage.objects.get(subject="Maksakaa lasku").status == InboundStatus.REJECTED
