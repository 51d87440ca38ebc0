"""Writes of the SLA domain: the warning and breach notices, and who hears of them. The mail that tells them is
the mail channel's (tuki.mail.sla_notices)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Q

from tuki.accounts.models import Role, User
from tuki.sla.models import NoticeKind, SlaNotice
from tuki.sla.signals import notice_recorded, threshold_reached
from tuki.tickets.models import Ticket


def recipients_for(ticket: Ticket) -> list[User]:
    """The assignee, or every active staff member on duty when nobody is assigned."""
    if ticket.assignee is not None and ticket.assignee.is_active:
        return [ticket.assignee]
    staff = Q(role__in=[Role.AGENT, Role.MANAGER], is_active=True, on_duty=True)
    return list(User.objects.filter(staff).order_by("pk"))


def notices_record(ticket: Ticket, kind: NoticeKind, due: datetime, now: datetime) -> list[SlaNotice]:
    """One notice per recipient; those who read them one by one hear of it once the claim commits, and so does any
    channel that listens for the threshold itself."""
    notices = [
        SlaNotice.objects.create(ticket=ticket, kind=kind, recipient=user, due=due, created_at=now)
        for user in recipients_for(ticket)
    ]
    reached = partial(threshold_reached.send, sender=SlaNotice, ticket_id=ticket.pk, kind=str(kind), due=due)
    transaction.on_commit(reached, robust=True)
    for notice in notices:
        if not notice.recipient.sla_digest:
            announce = partial(notice_recorded.send, sender=SlaNotice, notice_id=notice.pk)
            transaction.on_commit(announce, robust=True)
    return notices
