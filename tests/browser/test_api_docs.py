"""The API's interactive docs in a real browser: Swagger UI runs from our own files under the site's policy."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_work_without_policy_violations_or_other_hosts(page: Page, live_server: Any) -> None:
    problems: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("File a request", exact=True).click()
    page.get_by_text("Invoices are not sent").first.wait_for()
    assert hosts == {live_server.url.split("/")[2]}
    assert problems == []
