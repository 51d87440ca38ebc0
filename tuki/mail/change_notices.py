"""Mail to the customer about their changes: when one is scheduled, a day before its window, and when it is
implemented or rolled back.

Who hears: the customer's managers, who approve changes and answer for the organisation's environments, and the
requesters of the requests the change came from, who asked for it and follow it. Other contacts are not mailed
about every maintenance window: they can subscribe to the calendar feed. Each reader gets the mail in their own
language, threaded per change (a stable thread root in In-Reply-To and References, as for requests). The change
domain announces moves and due reminders (:mod:`tuki.changes.signals`); the moves are recorded once and the
reminders claimed once, and the jobs that send these do not retry, so nobody is mailed twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeEvent, ChangeState
from tuki.mail.threading import automatic_headers, mail_domain

logger = logging.getLogger(__name__)

TEMPLATE = "mail/email/change_notice.txt"
# The moves the customer is told of.
TOLD = (ChangeState.SCHEDULED, ChangeState.IMPLEMENTED, ChangeState.ROLLED_BACK)
REMINDER = "reminder"


def recipients_for(change: Change) -> list[User]:
    """The customer managers and the linked requests' requesters: active contacts of the change's customer who take
    mail, the managers first."""
    people = User.objects.filter(
        Q(contact__is_customer_manager=True) | Q(contact__tickets__changes=change),
        contact__organisation=change.organisation_id,
        contact__deactivated_at__isnull=True,
        is_active=True,
        mail_notifications=True,
    ).distinct()
    return sorted(people, key=lambda user: (not user.contact.is_customer_manager, user.pk))


def _thread(change: Change) -> str:
    # Not of the requests' form (tuki.sr-1042@): a reply to it must not be taken for a reply to a request.
    return f"<tuki.change.{settings.TUKI_CHANGE_PREFIX.lower()}-{change.pk}@{mail_domain()}>"


def _message_id(change: Change, what: str, recipient: User) -> str:
    """Deterministic, so a second send of the same notice carries the same id; keyed, so it reveals no numbers."""
    digest = salted_hmac("tuki.mail.change_notices", f"{change.pk}:{what}:{recipient.pk}", algorithm="sha256")
    return f"<tuki.change.{settings.TUKI_CHANGE_PREFIX.lower()}-{change.pk}.{digest.hexdigest()[:24]}@{mail_domain()}>"


def _when(moment: datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def _subject(change: Change, what: str) -> str:
    texts = {
        ChangeState.SCHEDULED: _("scheduled for %(start)s"),
        REMINDER: _("maintenance window begins %(start)s"),
        ChangeState.IMPLEMENTED: _("implemented"),
        ChangeState.ROLLED_BACK: _("rolled back"),
    }
    title = " ".join(change.title.split())  # one line: a line break would be refused as a header injection
    return f"[{change.identifier}] {title}: " + texts[what] % {"start": _when(change.planned_start)}


def _send(change: Change, what: str) -> int:
    sent = 0
    environments = ", ".join(environment.name for environment in change.environments.all())
    url = settings.TUKI_BASE_URL + reverse("portal:change", args=[change.identifier])
    for reader in recipients_for(change):
        try:
            with translation.override(reader.language):
                context = {
                    "change": change,
                    "what": what,
                    "start": _when(change.planned_start),
                    "end": _when(change.planned_end),
                    "done": _when(change.actual_end),
                    "environments": environments,
                    "url": url,
                    "supplier_name": settings.TUKI_SUPPLIER_NAME,
                }
                subject, body = _subject(change, what), render_to_string(TEMPLATE, context)
            headers = {
                "Message-ID": _message_id(
                    change, what if what != REMINDER else f"{what}:{change.planned_start}", reader
                ),
                "In-Reply-To": _thread(change),
                "References": _thread(change),
                "Content-Language": reader.language,
                **automatic_headers(),
            }
            EmailMessage(
                subject, body, to=[reader.email], reply_to=[settings.TUKI_SUPPORT_EMAIL], headers=headers
            ).send()
            sent += 1
        except Exception:  # one reader's failure must not keep the others from hearing
            logger.exception("The notice %s of change %s to user %s failed", what, change.pk, reader.pk)
    return sent


def send_move_notice(event_id: int) -> int:
    """Mail the customer about a move of a change, if it is one they are told of."""
    event = ChangeEvent.objects.select_related("change__organisation").get(pk=event_id)
    target = event.data.get("to") if event.kind == "transition" else None
    if target not in TOLD:
        return 0
    return _send(event.change, target)


def send_window_reminder(change_id: int, start: datetime) -> int:
    """Mail the day-ahead reminder, unless the change has since moved on or to another window."""
    change = Change.objects.select_related("organisation").get(pk=change_id)
    if change.state != ChangeState.SCHEDULED or change.planned_start != start:
        return 0
    return _send(change, REMINDER)
