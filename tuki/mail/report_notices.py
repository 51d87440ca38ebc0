"""The monthly report's mail to each customer manager: a short summary in plain words, in the reader's language, a
link to the report in Online Support Services, and the report as a PDF in the same language when it is small enough
to mail (``TUKI_REPORT_PDF_MAIL_BYTES``); a larger one is only linked."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tuki.accounts.models import User
from tuki.mail.threading import automatic_headers
from tuki.reports.models import MonthlyReport, ReportNotice
from tuki.reports.presentation import summary
from tuki.reports.rendering import report_pdf

TEMPLATE = "mail/email/report_notice.txt"


def report_message(report: MonthlyReport, reader: User) -> EmailMessage:
    """The mail of ``report`` to ``reader``, in the reader's language."""
    url = settings.TUKI_BASE_URL + reverse("portal:report", args=[f"{report.month:%Y-%m}"])
    with translation.override(reader.language):
        month = date.fromisoformat(report.figures["month"])
        subject = _("%(customer)s: monthly report %(month)s") % {
            "customer": report.organisation.name,
            "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
        }
        pdf = report_pdf(report)
        body = render_to_string(
            TEMPLATE,
            {
                "organisation": report.organisation.name,
                "month": month,
                "summary": summary(report.figures),
                "url": url,
                "supplier_name": settings.TUKI_SUPPLIER_NAME,
                "attached": len(pdf) <= settings.TUKI_REPORT_PDF_MAIL_BYTES,
            },
        )
    headers = {"Content-Language": reader.language, **automatic_headers()}
    message = EmailMessage(
        " ".join(subject.split()), body, to=[reader.email], reply_to=[settings.TUKI_SUPPORT_EMAIL], headers=headers
    )
    if len(pdf) <= settings.TUKI_REPORT_PDF_MAIL_BYTES:
        message.attach(f"kuukausiraportti-{report.month:%Y-%m}.pdf", pdf, "application/pdf")
    return message


@transaction.atomic
def send_report_notice(notice_id: int) -> None:
    """Mail one notice. The claim and the sending share a transaction: a mail server that fails undoes the claim and
    the job's retry mails it; a notice already mailed is never mailed again."""
    if not ReportNotice.objects.filter(pk=notice_id, sent_at__isnull=True).update(sent_at=timezone.now()):
        return
    notice = ReportNotice.objects.select_related("report__organisation", "recipient").get(pk=notice_id)
    report_message(notice.report, notice.recipient).send()


def send_unsent_report_notices() -> int:
    """Mail every notice not mailed yet; how many were mailed. Each is claimed as :func:`send_report_notice` does,
    so several of these at once mail each notice once. A failure is raised after the others have been tried."""
    failed: Exception | None = None
    sent = 0
    for notice_id in list(
        ReportNotice.objects.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    ):
        try:
            send_report_notice(notice_id)
            sent += 1
        except Exception as error:  # noqa: BLE001 - the others are mailed first; the job's retry tries this again
            failed = error
    if failed is not None:
        raise failed
    return sent
