"""Mail to the owner of a webhook subscription that the worker turned off because its deliveries kept failing.

The webhooks announce it (:data:`tuki.webhooks.signals.subscription_disabled`) with all this needs; the mail channel
reads no webhook model. The owner gets it in their own language, with a link to the page where they see the
delivery log and turn the subscription back on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tuki.accounts.models import User
from tuki.mail.threading import automatic_headers

TEMPLATE = "mail/email/webhook_disabled.txt"


def send_disabled_notice(*, owner_id: int, organisation_id: int | None, url: str, reason: str) -> bool:
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        return False
    page = reverse("portal:webhooks") if organisation_id is not None else reverse("desk:webhooks")
    with translation.override(owner.language):
        subject = _("Webhook turned off: its deliveries kept failing")
        body = render_to_string(
            TEMPLATE,
            {
                "url": url,
                "reason": reason,
                "page": settings.TUKI_BASE_URL + page,
                "supplier_name": settings.TUKI_SUPPLIER_NAME,
            },
        )
    EmailMessage(subject, body, to=[owner.email], headers=automatic_headers()).send()
    return True
