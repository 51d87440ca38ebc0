"""The reports in Online Support Services: who sees them, in which language, and the downloads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import speaks
from tests.reports.months import at
from tests.reports.pdf_reading import pdf_text
from tuki.agreements.models import Agreement
from tuki.reports.models import MonthlyReport
from tuki.reports.services import report_make
from tuki.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
AFTER = at(date(2026, 11, 1), 6)


@pytest.fixture
def report(anna: Any, manager: Any, agreement_a: Any) -> MonthlyReport:
    ticket_create(actor=anna, requester=anna.contact, subject="Kaikki alas", priority=1, now=at(date(2026, 10, 14), 9))
    report_make(organisation=anna.contact.organisation, month=date(2026, 10, 1), now=AFTER)
    return report_make(
        organisation=anna.contact.organisation, month=date(2026, 10, 1), actor=manager, reason="Korjattu", now=AFTER
    )


def _urls(month: str = "2026-10") -> list[str]:
    return [
        reverse("portal:reports"),
        reverse("portal:report", args=[month]),
        reverse("portal:report", args=[month]) + "?version=1",
        reverse("portal:report_csv", args=[month]),
        reverse("portal:report_xlsx", args=[month]) + "?version=2",
        reverse("portal:report_pdf", args=[month]) + "?version=1",
    ]


def test_the_customer_manager_reads_every_version(client: Any, anna: Any, report: MonthlyReport) -> None:
    client.force_login(anna)
    listing = client.get(reverse("portal:reports")).content.decode()
    assert "Lokakuu 2026" in listing and "?version=1" in listing
    page = client.get(reverse("portal:report", args=["2026-10"])).content.decode()
    assert "Korjattu" in page and "1 pyyntö" in page and "Org A Oy" in page
    assert client.get(reverse("portal:report", args=["2026-10"]) + "?version=1").status_code == 200
    assert client.get(reverse("portal:report", args=["2026-10"]) + "?version=3").status_code == 404
    csv = client.get(reverse("portal:report_csv", args=["2026-10"]))
    assert csv["Content-Disposition"].endswith('kuukausiraportti-2026-10-v2.csv"')
    assert "sla_breaches" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("portal:report_xlsx", args=["2026-10"]) + "?version=1")
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(("language", "words"), [("sv", "1 ärende"), ("en", "1 request")])
def test_the_report_speaks_the_readers_language(
    client: Any, anna: Any, report: MonthlyReport, language: str, words: str
) -> None:
    client.force_login(speaks(anna, language))
    assert words in client.get(reverse("portal:report", args=["2026-10"])).content.decode()


def test_another_customer_finds_nothing(client: Any, bertil: Any, report: MonthlyReport, agreement_b: Any) -> None:
    Agreement.objects.filter(pk=agreement_b.pk).update(contacts_see_reports=True)
    client.force_login(bertil)
    assert client.get(reverse("portal:reports")).status_code == 200
    for url in _urls()[1:]:
        assert client.get(url).status_code == 404, url


def test_a_plain_contact_sees_reports_only_when_the_agreement_allows(
    client: Any, aaro: Any, report: MonthlyReport, agreement_a: Any
) -> None:
    client.force_login(aaro.user)
    for url in _urls():
        assert client.get(url).status_code == 404, url
    Agreement.objects.filter(pk=agreement_a.pk).update(contacts_see_reports=True)
    for url in _urls():
        assert client.get(url).status_code == 200, url


def test_the_pdf_is_the_report_in_the_readers_language(client: Any, anna: Any, report: MonthlyReport) -> None:
    client.force_login(speaks(anna, "sv"))
    response = client.get(reverse("portal:report_pdf", args=["2026-10"]) + "?version=1")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('kuukausiraportti-2026-10-v1.pdf"')
    text = pdf_text(response.content)
    assert "Månadsrapport" in text and "Org A Oy" in text and "1 ärende" in text
