"""anna (org A) requests every portal URL with every object id of org B: all answer 404, and no list, count,
search or CSV includes anything of org B."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver

from tuki.agreements.models import Agreement
from tuki.changes.services import change_create, change_transition
from tuki.environments.services import component_add, environment_create
from tuki.reports.services import report_make
from tuki.tickets.services import ticket_create, ticket_reply
from tuki.timesheets.services import estimate_propose

PDF = b"%PDF-1.4\n%%EOF\n"
MARKERS = ("Org B Ab", "Bertil", "bertil@org-b.example", "ORG-B-SECRET")


@pytest.fixture
def org_b_world(bertil: Any, agreement_b: Any, agent: Any) -> dict[str, list[Any]]:
    ticket = ticket_create(actor=bertil, requester=bertil.contact, subject="ORG-B-SECRET fault")
    event = ticket_reply(
        actor=agent,
        ticket=ticket,
        body="ORG-B-SECRET answer",
        files=[SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")],
    )
    from tuki.handbook.services import article_save

    article = article_save(
        actor=agent,
        title="ORG-B-SECRET procedure",
        body="Only for Bertil Ab.",
        language="sv",
        public_to_all=False,
        organisations=[bertil.contact.organisation],
        published=True,
    )
    environment = environment_create(actor=agent, organisation=bertil.contact.organisation, name="ORG-B-SECRET prod")
    component_add(actor=agent, environment=environment, name="ORG-B-SECRET app", kind="application", version="1")
    change = change_create(
        actor=agent,
        organisation=bertil.contact.organisation,
        title="ORG-B-SECRET upgrade",
        environments=[environment],
        tickets=[ticket],
    )
    change_transition(actor=agent, change=change, to="proposed")
    Agreement.objects.filter(pk=agreement_b.pk).update(hourly_rate=Decimal("80.00"))
    estimate = estimate_propose(actor=agent, ticket=ticket, basis="hours", minutes=60, description="ORG-B-SECRET")
    # Org B's monthly report of a month for which org A has none: its address is the month alone.
    report_make(
        organisation=bertil.contact.organisation, month=date(2026, 10, 1), now=datetime(2026, 11, 2, tzinfo=UTC)
    )
    return {
        "month": ["2026-10"],
        "estimate_id": [estimate.pk],
        "identifier": [ticket.identifier, f"sr-{ticket.pk}", change.identifier, f"ch-{change.pk}"],
        "pk": [environment.pk],
        "attachment_id": [event.attachments.get().pk],
        "slug": [article.slug],
    }


def _portal_patterns() -> list[tuple[str, URLPattern]]:
    found = []
    for entry in get_resolver().url_patterns:
        for pattern in getattr(entry, "url_patterns", [entry]):
            name = getattr(pattern, "name", None)
            namespace = getattr(entry, "namespace", None)
            if namespace in ("portal", "handbook"):
                found.append((f"{namespace}:{name}", pattern))
    return found


def test_every_portal_url_with_org_b_ids_is_404(client: Client, anna: Any, agreement_a: Any, org_b_world: Any) -> None:
    from django.urls import reverse

    client.force_login(anna)
    checked = 0
    for name, pattern in _portal_patterns():
        keys = list(pattern.pattern.converters)
        if not keys:
            continue
        unknown = [key for key in keys if key not in org_b_world]
        assert not unknown, f"{name} takes {unknown}: add org B ids for it to this test"
        combos: list[dict[str, Any]] = [{}]
        for key in keys:
            combos = [{**combo, key: value} for combo in combos for value in org_b_world[key]]
        if name.startswith("portal:") and "attachment_id" in keys:
            # Anna's own request id with org B's attachment: still nothing.
            own = ticket_create(actor=anna, requester=anna.contact, subject="Own")
            combos.append({"identifier": own.identifier, "attachment_id": org_b_world["attachment_id"][0]})
        for kwargs in combos:
            url = reverse(name, kwargs=kwargs)
            # An address that takes only one method answers 405 to the other whatever the id, which tells
            # nothing; the method it does take must answer 404.
            got = client.get(url).status_code
            posted = client.post(url, {"action": "reply", "body": "x", "to": "cancelled"}).status_code
            assert (got, posted) in ((404, 404), (404, 405), (405, 404)), url
            checked += 1
    assert checked >= 5


def test_lists_counts_search_and_csv_show_nothing_of_org_b(
    client: Client, anna: Any, agreement_a: Any, org_b_world: Any
) -> None:
    from django.urls import reverse

    client.force_login(anna)
    pages = [
        reverse(name)
        for name, pattern in _portal_patterns()
        if not pattern.pattern.converters and name not in ("portal:home",)
    ]
    pages += ["/portal/requests/?status=all", "/portal/requests/?status=all&q=fault"]
    pages += ["/portal/requests/export.csv?status=all", "/portal/handbook/?q=procedure"]
    pages += ["/portal/handbook/suggest/?q=procedure"]
    for url in pages:
        response = client.get(url)
        body = response.content.decode("utf-8-sig", errors="replace")
        for marker in MARKERS:
            assert marker not in body, (url, marker)
