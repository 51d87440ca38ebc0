"""Writes of time: log an entry, correct one, close a quota period. Desk pages, jobs and the API call these.

Each locks the agreement's row first, so that logging, correcting and closing one customer's period happen one
after another: an entry never slips into a period that a manager closed in the same instant, and the quota
warnings see every minute logged before them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Contact, User
from tuki.agreements.models import Agreement
from tuki.agreements.selectors import agreement_for
from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.core.scoping import visible_to
from tuki.tickets.models import Ticket
from tuki.timesheets import ledger, signals
from tuki.timesheets.models import MAX_MINUTES, ClosedPeriod, QuotaNotice, QuotaWarning, TimeEntry, WorkKind
from tuki.timesheets.selectors import agreement_balances, closed_starts
from tuki.timesheets.terms import agreement_today, allowed_kinds, first_period, period_of


def _require_staff(actor: User, ticket: Ticket) -> None:
    if not getattr(actor, "is_supplier_staff", False) or not visible_to(actor, Ticket).filter(pk=ticket.pk).exists():
        raise ValidationError(_("Only the supplier's staff log time on support requests."))


def _locked(agreement_id: int) -> Agreement:
    return Agreement.objects.select_for_update().select_related("organisation", "service_calendar").get(pk=agreement_id)


def _day_text(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def time_entry_log(
    *,
    actor: User,
    ticket: Ticket,
    day: date,
    minutes: int,
    kind: str,
    description: str = "",
    internal_note: str = "",
    now: datetime | None = None,
) -> TimeEntry:
    """Log ``minutes`` of ``kind`` work done on ``day`` on a request. Every problem is told at once, per field."""
    now = now or timezone.now()
    _require_staff(actor, ticket)
    errors: dict[str, str] = {}
    if minutes <= 0:
        errors["minutes"] = _("Log more than zero minutes; to take time back, correct the entry.")
    elif minutes > MAX_MINUTES:
        errors["minutes"] = _("One entry can hold at most 24 hours; log longer work on several days.")
    found = agreement_for(ticket.organisation_id, day)
    if found is None:
        errors["day"] = _("The customer had no agreement in force on %(day)s.") % {"day": _day_text(day)}
        raise ValidationError(errors)
    agreement = _locked(found.pk)
    if day > agreement_today(agreement, now):
        errors["day"] = _("Time can be logged only for today or earlier days.")
    elif ClosedPeriod.objects.filter(agreement=agreement, start=period_of(agreement, day).start).exists():
        errors["day"] = _("The quota period of %(day)s is closed for invoicing; no more time can be logged in it.") % {
            "day": _day_text(day)
        }
    if kind not in WorkKind.values:
        errors["kind"] = _("Choose the kind of work.")
    elif kind not in allowed_kinds(agreement):
        errors["kind"] = _("The customer's agreement does not include %(kind)s.") % {
            "kind": WorkKind(kind).label.lower()
        }
    if errors:
        raise ValidationError(errors)
    entry = TimeEntry(
        ticket=ticket,
        organisation_id=ticket.organisation_id,
        agreement=agreement,
        author=actor,
        day=day,
        minutes=minutes,
        kind=kind,
        description=description.strip(),
        internal_note=internal_note.strip(),
        period_start=period_of(agreement, day).start,
        created_at=now,
    )
    entry.full_clean(exclude=["ticket", "organisation", "agreement", "author", "corrects"])
    entry.save()
    if kind == WorkKind.MAINTENANCE:
        quota_warnings_record(agreement=agreement, period_start=entry.period_start, now=now)
    return entry


@transaction.atomic
def time_entry_correct(
    *, actor: User, entry: TimeEntry, reason: str, minutes: int | None = None, now: datetime | None = None
) -> TimeEntry:
    """Reverse ``minutes`` of ``entry`` (all that is left of it by default) with a negative entry that names it.

    An entry whose period is closed is corrected in the next open period, and the correction says it came late.
    """
    now = now or timezone.now()
    _require_staff(actor, entry.ticket)
    if entry.corrects_id is not None:
        raise ValidationError(_("A correction cannot be corrected; log the time again instead."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is corrected.")})
    agreement = _locked(entry.agreement_id)
    reversed_already = entry.corrections.aggregate(total=Sum("minutes"))["total"] or 0
    left = entry.minutes + reversed_already
    if left <= 0:
        raise ValidationError(_("This entry has already been corrected in full."))
    minutes = left if minutes is None else minutes
    if not 0 < minutes <= left:
        raise ValidationError(
            {"minutes": _("Reverse at least 1 and at most %(left)d minutes of this entry.") % {"left": left}}
        )
    closed = closed_starts(agreement)
    period = period_of(agreement, entry.period_start)
    while period.start in closed:
        period = period_of(agreement, period.end)
    correction = TimeEntry(
        ticket_id=entry.ticket_id,
        organisation_id=entry.organisation_id,
        agreement=agreement,
        author=actor,
        day=entry.day,
        minutes=-minutes,
        kind=entry.kind,
        period_start=period.start,
        late=period.start != entry.period_start,
        corrects=entry,
        reason=reason.strip(),
        created_at=now,
    )
    correction.full_clean(exclude=["ticket", "organisation", "agreement", "author", "corrects"])
    correction.save()
    return correction


@transaction.atomic
def period_close(
    *, actor: User, agreement: Agreement, period_start: date, now: datetime | None = None, address: str = ""
) -> ClosedPeriod:
    """Close a quota period for invoicing: its entries are frozen. Periods close in order, once they have ended."""
    now = now or timezone.now()
    if not getattr(actor, "is_manager", False):
        raise PermissionDenied(_("Only the supplier's managers close quota periods."))
    agreement = _locked(agreement.pk)
    period = period_of(agreement, period_start)
    if period.start != period_start:
        raise ValidationError(_("A quota period begins on %(day)s.") % {"day": _day_text(period.start)})
    if period.start < first_period(agreement).start or (
        agreement.valid_until is not None and period.start > agreement.valid_until
    ):
        raise ValidationError(_("The agreement was not in force in this period."))
    if period.end > agreement_today(agreement, now):
        raise ValidationError(_("A period can be closed only after it has ended."))
    closed = closed_starts(agreement)
    if period.start in closed:
        raise ValidationError(_("This period is already closed."))
    if period.start != first_period(agreement).start:
        previous = ledger.periods_between(first_period(agreement).start, period.start, agreement.quota_period)[-2]
        if previous.start not in closed:
            raise ValidationError(
                _("Close the period that begins on %(day)s first.") % {"day": _day_text(previous.start)}
            )
    balance = agreement_balances(agreement, period.start)[-1]
    closing = ClosedPeriod.objects.create(
        agreement=agreement, start=period.start, end=period.end, closed_by=actor, closed_at=now
    )
    audit_record(
        action=Action.PERIOD_CLOSED,
        actor=actor,
        target=agreement,
        address=address,
        now=now,
        details={
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "included_minutes": balance.included,
            "maintenance_minutes": balance.used,
            "carried_out_minutes": balance.carried_out,
        },
    )
    return closing


def quota_warnings_record(*, agreement: Agreement, period_start: date, now: datetime) -> list[QuotaNotice]:
    """Claim each warning level the period has reached, once, and queue its mail to the customer managers and the
    account manager. Safe to run in several processes at once: the unique row decides who warns."""
    balance = agreement_balances(agreement, period_start)[-1]
    reached = ledger.thresholds_reached(balance)
    if not reached:
        return []
    already = set(
        QuotaWarning.objects.filter(agreement=agreement, period_start=period_start).values_list("level", flat=True)
    )
    notices: list[QuotaNotice] = []
    for level in reached:
        if level in already:
            continue
        try:
            with transaction.atomic():
                warning = QuotaWarning.objects.create(
                    agreement=agreement, period_start=period_start, level=level, created_at=now
                )
        except IntegrityError:
            continue  # another process claimed this level first, and warns
        notices += QuotaNotice.objects.bulk_create(
            QuotaNotice(warning=warning, recipient=recipient) for recipient in _warned_people(agreement)
        )
    for notice in notices:
        transaction.on_commit(
            partial(signals.quota_notice_recorded.send, sender=QuotaNotice, notice_id=notice.pk), robust=True
        )
    return notices


def _warned_people(agreement: Agreement) -> list[User]:
    managers = Contact.objects.filter(
        organisation_id=agreement.organisation_id,
        is_customer_manager=True,
        deactivated_at__isnull=True,
        user__is_active=True,
    ).select_related("user")
    people = [contact.user for contact in managers]
    account_manager = agreement.organisation.account_manager
    if account_manager is not None and account_manager.is_supplier_staff:
        people.append(account_manager)
    return people
