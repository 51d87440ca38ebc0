"""The monthly reports through the API: read as the portal shows them, to the same people."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, token_for
from tests.reports.pdf_reading import pdf_text


def test_a_customer_manager_reads_the_figures_and_the_pdf(as_anna: Api, world_a: dict[str, Any]) -> None:
    [listed] = as_anna.get("/reports").json()
    assert listed["id"] == world_a["report_id"] and listed["version"] == 1
    read = as_anna.get(f"/reports/{listed['id']}").json()
    assert read["figures"]["organisation"]["name"] == "Org A Oy"
    assert read["figures"]["requests"]["opened"] >= 0 and "quota" in read["figures"]
    pdf = as_anna.get(f"/reports/{listed['id']}/pdf", headers={"Accept-Language": "sv"})
    assert pdf["Content-Type"] == "application/pdf" and "Månadsrapport" in pdf_text(pdf.content)


def test_a_plain_contact_reads_no_report_unless_the_agreement_allows(
    aaro: Any, agreement_a: Any, world_a: dict[str, Any]
) -> None:
    as_aaro = Api(token_for(aaro.user))
    assert as_aaro.get("/reports").json() == []
    assert as_aaro.get(f"/reports/{world_a['report_id']}").status_code == 404
    agreement_a.contacts_see_reports = True
    agreement_a.save(update_fields=["contacts_see_reports"])
    assert as_aaro.get(f"/reports/{world_a['report_id']}").status_code == 200
