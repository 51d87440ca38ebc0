"""The monthly job: from the report hour on the first day, each customer's report once and one mail per customer
manager, however many workers run it; a failing customer neither stops the others nor is forgotten."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from huey.contrib import djhuey

from tests.conftest import PASSWORD, WORKWEEK, speaks
from tests.reports.months import at
from tests.reports.pdf_reading import pdf_text
from tests.workers import database_url, run_in_workers
from tuki.accounts.services import contact_create
from tuki.agreements.models import Agreement, ServiceCalendar
from tuki.agreements.services import calendar_save
from tuki.core.models import JobClaim
from tuki.mail.tasks import report_notice
from tuki.reports.figures.period import add_months
from tuki.reports.models import MonthlyReport, ReportFailure, ReportNotice
from tuki.reports.tasks import make_monthly_reports, month_due, reports_periodic_job
from tuki.tickets.services import ticket_create, ticket_reply

RUN = at(date(2026, 11, 1), 6, 10)


@pytest.fixture
def second_manager(org_a: Any) -> Any:
    return contact_create(
        organisation=org_a,
        email="antti@org-a.example",
        full_name="Antti Aro",
        customer_manager=True,
        password=PASSWORD,
    ).user


@pytest.fixture
def october(anna: Any, agent: Any, agreement_a: Any, agreement_b: Any, bertil: Any) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Tulostin", now=at(date(2026, 10, 5), 9))
    ticket_reply(actor=agent, ticket=ticket, body="Katsotaan.", now=at(date(2026, 10, 5), 9, 20))


def test_the_report_hour() -> None:
    assert month_due(at(date(2026, 11, 1), 5, 59)) is None
    assert month_due(at(date(2026, 11, 1), 6)) == date(2026, 10, 1)
    assert month_due(at(date(2026, 11, 17), 3)) == date(2026, 10, 1)
    with override_settings(TUKI_REPORT_HOUR=8):
        assert month_due(at(date(2026, 11, 1), 7)) is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_make_one_report_and_one_mail_per_manager(
    october: Any, anna: Any, second_manager: Any, org_a: Any, org_b: Any
) -> None:
    speaks(second_manager, "sv")
    mail.outbox.clear()  # the request's own notifications
    results, failures = run_in_workers(lambda: make_monthly_reports(RUN))
    assert not failures, failures
    assert sorted(MonthlyReport.objects.values_list("organisation_id", "version")) == [(org_a.pk, 1), (org_b.pk, 1)]
    assert sorted(message.to[0] for message in mail.outbox) == ["anna@org-a.example", "antti@org-a.example"]
    assert not ReportNotice.objects.filter(sent_at__isnull=True).exists()
    to_anna = next(m for m in mail.outbox if m.to == ["anna@org-a.example"])
    assert "1 pyyntö, kaikkiin vastattu ajallaan" in to_anna.body
    assert "/portal/reports/2026-10/" in to_anna.body and "Org A Oy" in to_anna.subject
    to_antti = next(m for m in mail.outbox if m.to == ["antti@org-a.example"])
    assert "1 ärende, alla besvarade i tid" in to_antti.body
    # Each gets the PDF in their own language.
    [(name, content, kind)] = to_antti.attachments
    assert (name, kind) == ("kuukausiraportti-2026-10.pdf", "application/pdf")
    assert "Månadsrapport" in pdf_text(content) and "Kuukausiraportti" in pdf_text(to_anna.attachments[0][1])
    # A repeated run, a later tick: nothing new.
    assert make_monthly_reports(at(date(2026, 11, 1), 9)) == 0
    assert MonthlyReport.objects.count() == 2 and len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failing_customer_does_not_stop_the_others_and_is_tried_again(
    october: Any, manager: Any, org_a: Any, org_b: Any, agreement_b: Any
) -> None:
    broken = calendar_save(actor=manager, name="Kontor", weekly=WORKWEEK)
    Agreement.objects.filter(pk=agreement_b.pk).update(service_calendar=broken)
    ServiceCalendar.objects.filter(pk=broken.pk).update(timezone="Mars/Olympus")
    assert make_monthly_reports(RUN) == 1
    assert list(MonthlyReport.objects.values_list("organisation_id", flat=True)) == [org_a.pk]
    failure = ReportFailure.objects.get()
    assert failure.organisation == org_b and failure.attempts == 1 and "Mars/Olympus" in failure.error
    make_monthly_reports(at(date(2026, 11, 1), 6, 20))
    assert ReportFailure.objects.get().attempts == 2
    ServiceCalendar.objects.filter(pk=broken.pk).update(timezone="Europe/Stockholm")
    assert make_monthly_reports(at(date(2026, 11, 1), 6, 30)) == 1
    assert MonthlyReport.objects.get(organisation=org_b).figures["time_zone"] == "Europe/Stockholm"
    assert ReportFailure.objects.get().resolved_at is not None


@pytest.mark.django_db
def test_a_pdf_too_large_to_mail_is_only_linked(
    october: Any, anna: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TUKI_REPORT_PDF_MAIL_BYTES = 1000  # a report's PDF is some tens of kilobytes
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_monthly_reports(RUN)
    [to_anna] = [message for message in mail.outbox if message.to == ["anna@org-a.example"]]
    assert to_anna.attachments == []
    assert "/portal/reports/2026-10/" in to_anna.body and "liitteenä" not in to_anna.body


@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_makes_them_in_a_process_of_its_own_once_for_two_consumers(
    agreement_a: Any, agreement_b: Any, org_a: Any, org_b: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    # The child process inherits the worker's environment: here, this test's database and a place of its own.
    for name, value in {"DATABASE_URL": database_url(), "TUKI_VAR_DIR": str(tmp_path), "TUKI_REPORT_HOUR": "0"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DEBUG", "0")
    results, failures = run_in_workers(lambda: reports_periodic_job.call_local() or 0)
    assert not failures, failures
    month = add_months(timezone.localdate().replace(day=1), -1)
    made = MonthlyReport.objects.filter(month=month).values_list("organisation_id", "version")
    assert sorted(made) == [(org_a.pk, 1), (org_b.pk, 1)]
    assert JobClaim.objects.get(name="reports.periodic").until > timezone.now()  # the other consumer's run waits


@pytest.mark.django_db(transaction=True)
def test_a_worker_mails_the_report_from_a_process_of_its_own(
    october: Any, anna: Any, org_a: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    make_monthly_reports(RUN)
    ReportNotice.objects.update(sent_at=None)  # as made by a worker: its mails not sent yet
    notice = ReportNotice.objects.get(recipient=anna)
    monkeypatch.setenv("DATABASE_URL", database_url())
    monkeypatch.setenv("TUKI_VAR_DIR", str(tmp_path))
    monkeypatch.setattr(djhuey.HUEY, "immediate", False)  # a worker, not the web process running its own jobs
    report_notice.call_local(notice.pk)
    assert not ReportNotice.objects.filter(sent_at__isnull=True).exists()  # every manager's, by one child
    mailed = "\n".join(path.read_text(errors="replace") for path in (tmp_path / "mail").iterdir())
    assert "anna@org-a.example" in mailed and "application/pdf" in mailed
