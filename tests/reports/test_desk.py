"""The reports on the desk: every customer's month side by side with the reports' own figures, sortable; a new
version by a manager with a reason; the month so far on the managers' front page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.months import at
from tests.reports.pdf_reading import pdf_text
from tuki.reports.comparison import refresh_month_so_far
from tuki.reports.models import MonthlyReport
from tuki.reports.services import report_failure_record, report_make
from tuki.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(anna: Any, bertil: Any, agreement_a: Any, agreement_b: Any) -> list[MonthlyReport]:
    ticket_create(actor=anna, requester=anna.contact, subject="Kaikki alas", priority=1, now=at(date(2026, 10, 14), 9))
    return [
        report_make(organisation=user.contact.organisation, month=date(2026, 10, 1), now=at(date(2026, 11, 1), 6))
        for user in (anna, bertil)
    ]


def test_customers_side_by_side_sorted_by_breaches(client: Any, agent: Any, reports: list[MonthlyReport]) -> None:
    client.force_login(agent)
    page = client.get(reverse("desk:reports") + "?month=2026-10&sort=-breaches").content.decode()
    assert page.index("Org A Oy") < page.index("Org B Ab")
    assert reports[0].figures["sla"]["breaches"] and not reports[1].figures["sla"]["breaches"]
    page = client.get(reverse("desk:reports") + "?month=2026-10&sort=breaches").content.decode()
    assert page.index("Org B Ab") < page.index("Org A Oy")
    report = client.get(reverse("desk:report", args=[reports[0].organisation_id, "2026-10"]))
    assert report.status_code == 200 and "Kaikki alas" in report.content.decode()
    download = client.get(reverse("desk:report_download", args=[reports[0].organisation_id, "2026-10", "csv"]))
    assert download.status_code == 200
    pdf = client.get(reverse("desk:report_download", args=[reports[0].organisation_id, "2026-10", "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and reports[0].organisation.name in pdf_text(pdf.content)


def test_a_manager_makes_a_new_version_with_a_reason(
    client: Any, agent: Any, manager: Any, reports: list[MonthlyReport]
) -> None:
    url = reverse("desk:report_regenerate", args=[reports[0].organisation_id, "2026-10"])
    client.force_login(agent)
    assert client.post(url, {"reason": "Minä vain"}).status_code == 404
    client.force_login(manager)
    client.post(url, {"reason": ""})
    assert MonthlyReport.objects.filter(organisation_id=reports[0].organisation_id).count() == 1
    client.post(url, {"reason": "Aikakirjaukset korjattu"})
    newest = MonthlyReport.objects.get(organisation_id=reports[0].organisation_id, version=2)
    assert (newest.reason, newest.made_by) == ("Aikakirjaukset korjattu", manager)
    page = client.get(reverse("desk:report", args=[reports[0].organisation_id, "2026-10"]) + "?version=1")
    assert "Aikakirjaukset korjattu" in page.content.decode()


def test_contacts_find_no_desk_report(client: Any, anna: Any, reports: list[MonthlyReport]) -> None:
    client.force_login(anna)
    for url in (
        reverse("desk:reports"),
        reverse("desk:report", args=[reports[0].organisation_id, "2026-10"]),
        reverse("desk:report_download", args=[reports[0].organisation_id, "2026-10", "xlsx"]),
        reverse("desk:report_download", args=[reports[0].organisation_id, "2026-10", "pdf"]),
    ):
        assert client.get(url).status_code == 404


def test_the_month_so_far_on_the_managers_front_page(
    client: Any, manager: Any, agent: Any, anna: Any, agreement_a: Any
) -> None:
    client.force_login(manager)
    assert "lasketaan" in client.get(reverse("desk:home")).content.decode()
    rows = refresh_month_so_far(timezone.now())
    assert [row.customer for row in rows] == ["Org A Oy"]
    page = client.get(reverse("desk:home")).content.decode()
    assert "so-far-title" in page and "lasketaan" not in page and "report-failures" not in page
    report_failure_record(organisation=anna.contact.organisation, month=date(2026, 10, 1), error="boom")
    assert "report-failures" in client.get(reverse("desk:home")).content.decode()
    client.force_login(agent)
    assert "so-far-title" not in client.get(reverse("desk:home")).content.decode()
