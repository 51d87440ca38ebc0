"""Mail to the customer managers and the account manager when a period's maintenance use reaches 80 % or 100 %."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuki.mail.threading import automatic_headers
from tuki.timesheets.models import QuotaNotice
from tuki.timesheets.selectors import period_summary

TEMPLATE = "mail/email/quota_notice.txt"


@transaction.atomic
def send_quota_notice(notice_id: int) -> None:
    """Mail one notice. The claim and the sending share a transaction: a mail server that fails undoes the claim
    and the job's retry mails it; a notice already mailed is never mailed again."""
    if not QuotaNotice.objects.filter(pk=notice_id, sent_at__isnull=True).update(sent_at=timezone.now()):
        return
    notice = QuotaNotice.objects.select_related(
        "recipient", "warning__agreement__organisation", "warning__agreement__service_calendar"
    ).get(pk=notice_id)
    warning, reader = notice.warning, notice.recipient
    summary = period_summary(warning.agreement, warning.period_start)
    if reader.is_supplier_staff:
        path = reverse("desk:quota") + f"?period={warning.period_start.isoformat()}"
    else:
        path = reverse("portal:quota") + f"?period={warning.period_start.isoformat()}"
    with translation.override(reader.language):
        organisation = warning.agreement.organisation.name
        if warning.level >= 100:
            subject = _("%(customer)s: the maintenance quota is used up") % {"customer": organisation}
        else:
            subject = _("%(customer)s: %(level)d %% of the maintenance quota used") % {
                "customer": organisation,
                "level": warning.level,
            }
        body = render_to_string(
            TEMPLATE,
            {"summary": summary, "organisation": organisation, "url": settings.TUKI_BASE_URL + path},
        )
    EmailMessage(subject, body, to=[reader.email], headers=automatic_headers()).send()
