"""The requests domain's subscriptions: when an agreement or a calendar changes, open deadlines are recomputed;
when the supplier's staff download a customer's file, the audit log says who took which."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tuki.accounts.models import User
from tuki.agreements.signals import agreement_changed, calendar_changed
from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.tickets.models import Attachment
from tuki.tickets.signals import attachment_downloaded
from tuki.tickets.tasks import recompute_deadlines_for_agreement, recompute_deadlines_for_calendar


@receiver(agreement_changed)
def _agreement_changed(*, agreement_id: int, **kwargs: Any) -> None:
    recompute_deadlines_for_agreement(agreement_id)


@receiver(calendar_changed)
def _calendar_changed(*, calendar_id: int, **kwargs: Any) -> None:
    recompute_deadlines_for_calendar(calendar_id)


@receiver(attachment_downloaded, dispatch_uid="audit_attachment_downloaded")
def _attachment_downloaded(*, attachment: Attachment, user: User, address: str, **kwargs: Any) -> None:
    # Staff see every customer's files, so which of them they took is the customer's business; a contact's own
    # organisation's files are not.
    if not user.is_supplier_staff:
        return
    identifier = attachment.ticket.identifier
    audit_record(
        action=Action.ATTACHMENT_DOWNLOADED,
        actor=user,
        target=attachment,
        target_label=f"{identifier}: {attachment.name}",
        address=address,
        details={"request": identifier, "size": attachment.size},
    )
