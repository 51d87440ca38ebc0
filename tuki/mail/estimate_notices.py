"""Mail to the agent and the account manager when a request's additional work goes past its approved estimate."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tuki.accounts.models import User
from tuki.mail.threading import automatic_headers
from tuki.timesheets import ledger
from tuki.timesheets.models import Estimate
from tuki.timesheets.selectors import additional_minutes

TEMPLATE = "mail/email/estimate_overrun.txt"


def send_overrun_notice(estimate_id: int, author_id: int) -> None:
    """Mail the warning (claimed once per approved version by the service) to the agent who logged the work and to
    the customer's account manager."""
    estimate = Estimate.objects.select_related("ticket__organisation__account_manager").get(pk=estimate_id)
    organisation = estimate.ticket.organisation
    readers = list(User.objects.filter(pk=author_id, is_active=True))
    manager = organisation.account_manager
    if manager is not None and manager.is_active and manager.pk != author_id:
        readers.append(manager)
    minutes = additional_minutes(estimate.ticket_id)
    context = {
        "estimate": estimate,
        "organisation": organisation.name,
        "spent_minutes": minutes,
        "spent": ledger.line_amount(minutes, estimate.hourly_rate),
        "url": settings.TUKI_BASE_URL + reverse("desk:ticket_time", args=[estimate.ticket.identifier]),
    }
    for reader in readers:
        with translation.override(reader.language):
            subject = _("%(request)s: additional work beyond the approved estimate") % {
                "request": estimate.ticket.identifier
            }
            body = render_to_string(TEMPLATE, context)
        EmailMessage(subject, body, to=[reader.email], headers=automatic_headers()).send()
