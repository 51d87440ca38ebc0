"""The archive: a report is a snapshot; a new version needs a reason and keeps the old one; a repeated run makes
nothing new; a month not over is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tests.reports.months import at
from tuki.reports.figures import ReportMonthError
from tuki.reports.models import MonthlyReport, ReportFailure, ReportNotice
from tuki.reports.services import report_failure_record, report_make
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create, ticket_set_priority

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)
AFTER = at(date(2026, 11, 1), 6)


@pytest.fixture
def late_request(anna: Any, agent: Any, agreement_a: Any) -> Ticket:
    # Critical, on the 24/7 on-call calendar: 30 minutes to respond, nobody did.
    return ticket_create(
        actor=anna, requester=anna.contact, subject="Kaikki alas", priority=1, now=at(date(2026, 10, 14), 9)
    )


def test_a_repeated_run_makes_one_report(late_request: Any, anna: Any) -> None:
    first = report_make(organisation=anna.contact.organisation, month=OCTOBER, now=AFTER)
    again = report_make(organisation=anna.contact.organisation, month=date(2026, 10, 20), now=AFTER)
    assert again.pk == first.pk and first.version == 1 and first.made_by is None
    assert MonthlyReport.objects.count() == 1
    assert list(ReportNotice.objects.values_list("recipient_id", flat=True)) == [anna.pk]


def test_the_snapshot_stays_and_a_new_version_shows_the_new_figures(
    late_request: Any, anna: Any, agent: Any, manager: Any
) -> None:
    first = report_make(organisation=anna.contact.organisation, month=OCTOBER, now=AFTER)
    assert [row["reference"] for row in first.figures["sla"]["breaches"]] == [late_request.identifier] * 2
    # The priority is corrected afterwards: the SLA is recomputed under the low priority's longer targets.
    ticket_set_priority(actor=agent, ticket=late_request, priority=4, now=at(date(2026, 11, 3), 10))
    first.refresh_from_db()
    assert first.figures["requests"]["by_priority"][0]["key"] == "1"
    with pytest.raises(PermissionDenied):
        report_make(organisation=anna.contact.organisation, month=OCTOBER, actor=agent, reason="Prioriteetti")
    second = report_make(
        organisation=anna.contact.organisation,
        month=OCTOBER,
        actor=manager,
        reason="Prioriteetti korjattu",
        now=at(date(2026, 11, 3), 11),
    )
    assert (second.version, second.reason, second.made_by) == (2, "Prioriteetti korjattu", manager)
    assert second.figures["requests"]["by_priority"][0]["key"] == "4"
    assert {"code": "sla_recomputed", "params": {"reference": late_request.identifier}} in second.figures["notes"]
    assert MonthlyReport.objects.get(pk=first.pk).figures == first.figures
    assert ReportNotice.objects.filter(report=second).count() == 0  # the first version was mailed; a correction is not


def test_a_month_not_over_is_refused(anna: Any, agreement_a: Any) -> None:
    with pytest.raises(ReportMonthError, match="2026-11"):
        report_make(organisation=anna.contact.organisation, month=date(2026, 11, 1), now=at(date(2026, 11, 30), 23))
    with pytest.raises(ReportMonthError):
        report_make(organisation=anna.contact.organisation, month=date(2027, 5, 1), now=AFTER)
    assert not MonthlyReport.objects.exists()


def test_a_failure_is_counted_and_cleared_by_a_report(anna: Any, agreement_a: Any) -> None:
    organisation = anna.contact.organisation
    report_failure_record(organisation=organisation, month=OCTOBER, error="boom", now=AFTER)
    report_failure_record(organisation=organisation, month=OCTOBER, error="boom again", now=AFTER)
    failure = ReportFailure.objects.get()
    assert (failure.attempts, failure.error, failure.resolved_at) == (2, "boom again", None)
    report_make(organisation=organisation, month=OCTOBER, now=AFTER)
    assert ReportFailure.objects.get().resolved_at == AFTER
