"""Writes of time: log an entry, correct one, close a quota period. Desk pages, jobs and the API call these.

Each locks the agreement's row first, so that logging, correcting and closing one customer's period happen one
after another: an entry never slips into a period that a manager closed in the same instant, the quota warnings
see every minute logged before them, and the period's running total (:mod:`tuki.timesheets.totals`) is added to
by one writer at a time.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import BusinessUnit, Contact, User
from tuki.agreements.models import Agreement
from tuki.agreements.selectors import agreement_for
from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.changes.models import Change
from tuki.core.scoping import visible_to
from tuki.tickets.models import Ticket
from tuki.timesheets import ledger, signals, stopwatch, totals
from tuki.timesheets.models import (
    MAX_MINUTES,
    ClosedPeriod,
    CostShare,
    Estimate,
    EstimateBasis,
    EstimateRevision,
    EstimateState,
    QuotaNotice,
    QuotaWarning,
    TimeEntry,
    Timer,
    WorkKind,
)
from tuki.timesheets.selectors import additional_minutes, agreement_balances, closed_starts
from tuki.timesheets.terms import agreement_today, allowed_kinds, first_period, period_of


def _require_staff(actor: User, subject: Ticket | Change, refusal: str = "") -> None:
    model = type(subject)
    if not getattr(actor, "is_supplier_staff", False) or not visible_to(actor, model).filter(pk=subject.pk).exists():
        raise ValidationError(refusal or _("Only the supplier's staff log time on support requests."))


def _approved_estimate(ticket: Ticket | None, change: Change | None) -> tuple[Estimate | None, bool]:
    """The estimate that covers additional work, held for the entry, and whether the customer approved it.

    Work on a change is done for the requests it came from: it is covered by an approved estimate of one of them
    (the first by number), as the same work logged on that request would be."""
    if ticket is not None:
        estimate = Estimate.objects.select_for_update().filter(ticket=ticket).first()
        return estimate, estimate is not None and estimate.state == EstimateState.APPROVED
    assert change is not None  # noqa: S101 - one of them is given
    estimates = Estimate.objects.select_for_update().filter(ticket__in=change.tickets.all()).order_by("ticket_id")
    approved = [estimate for estimate in estimates if estimate.state == EstimateState.APPROVED]
    return (approved[0], True) if approved else (None, False)


def _billed_request(ticket: Ticket | None, change: Change | None, estimate: Estimate | None) -> Ticket | None:
    if ticket is not None:
        return ticket
    if estimate is not None:
        return estimate.ticket
    assert change is not None  # noqa: S101 - one of them is given
    return change.tickets.order_by("pk").first()


def _locked(agreement_id: int) -> Agreement:
    return Agreement.objects.select_for_update().select_related("organisation", "service_calendar").get(pk=agreement_id)


def _day_text(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def time_entry_log(
    *,
    actor: User,
    ticket: Ticket | None = None,
    change: Change | None = None,
    day: date,
    minutes: int,
    kind: str,
    description: str = "",
    internal_note: str = "",
    override_reason: str = "",
    address: str = "",
    now: datetime | None = None,
) -> TimeEntry:
    """Log ``minutes`` of ``kind`` work done on ``day`` on a request or a change (exactly one of them): time on a
    change counts like time on a request. Every problem is told at once, per field.

    Additional work needs an estimate the customer has approved (for a change: of one of its requests); a
    supplier manager may log it without one by giving ``override_reason``, which goes to the audit log."""
    now = now or timezone.now()
    if (ticket is None) == (change is None):
        raise TypeError("Log time on a request or on a change, not both or neither.")
    subject: Ticket | Change = ticket or change  # type: ignore[assignment]
    _require_staff(actor, subject)
    errors: dict[str, str] = {}
    if minutes <= 0:
        errors["minutes"] = _("Log more than zero minutes; to take time back, correct the entry.")
    elif minutes > MAX_MINUTES:
        errors["minutes"] = _("One entry can hold at most 24 hours; log longer work on several days.")
    found = agreement_for(subject.organisation_id, day)
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
    estimate, approved = _approved_estimate(ticket, change)
    if override_reason.strip() and not getattr(actor, "is_manager", False):
        errors["override_reason"] = _(
            "Only the supplier's managers may log additional work without an approved estimate."
        )
    elif kind == WorkKind.ADDITIONAL and not approved and not override_reason.strip() and "kind" not in errors:
        errors["kind"] = (
            _(
                "This request has no estimate that the customer has approved; make an estimate and wait for the "
                "customer's approval before logging additional work."
            )
            if ticket is not None
            else _(
                "None of this change's requests has an estimate that the customer has approved; make an estimate "
                "on the request and wait for the customer's approval before logging additional work."
            )
        )
    if errors:
        raise ValidationError(errors)
    entry = TimeEntry(
        ticket=ticket,
        change=change,
        billed_request=_billed_request(ticket, change, estimate) if kind == WorkKind.ADDITIONAL else None,
        organisation_id=subject.organisation_id,
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
    entry.full_clean(exclude=["ticket", "change", "organisation", "agreement", "author", "corrects"])
    entry.save()
    totals.add(entry)  # before the warnings, which read the period's total
    if kind == WorkKind.MAINTENANCE:
        quota_warnings_record(agreement=agreement, period_start=entry.period_start, now=now)
    if kind == WorkKind.ADDITIONAL and not approved:
        audit_record(
            action=Action.ADDITIONAL_WORK_OVERRIDDEN,
            actor=actor,
            target=subject,
            target_label=subject.identifier,
            address=address,
            now=now,
            details={"entry": entry.pk, "minutes": minutes, "day": day.isoformat(), "reason": override_reason.strip()},
        )
    elif kind == WorkKind.ADDITIONAL and estimate is not None:
        _overrun_check(estimate=estimate, author=actor, now=now)
    return entry


@transaction.atomic
def time_entry_correct(
    *, actor: User, entry: TimeEntry, reason: str, minutes: int | None = None, now: datetime | None = None
) -> TimeEntry:
    """Reverse ``minutes`` of ``entry`` (all that is left of it by default) with a negative entry that names it.

    An entry whose period is closed is corrected in the next open period, and the correction says it came late.
    """
    now = now or timezone.now()
    _require_staff(actor, entry.subject)
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
        change_id=entry.change_id,
        billed_request_id=entry.billed_request_id,
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
    correction.full_clean(exclude=["ticket", "change", "organisation", "agreement", "author", "corrects"])
    correction.save()
    totals.add(correction)
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


def _overrun_check(*, estimate: Estimate, author: User, now: datetime) -> None:
    """Warn the agent who logged and the account manager, once per approved version, when the request's additional
    work costs more than 10 % over the approved estimate. The conditional update is the claim."""
    assert estimate.approved_amount is not None  # noqa: S101 - an approved estimate has its figures
    spent = ledger.line_amount(additional_minutes(estimate.ticket_id), estimate.hourly_rate)
    if not ledger.overrun(spent, estimate.approved_amount):
        return
    claimed = Estimate.objects.filter(
        pk=estimate.pk, version=estimate.version, state=EstimateState.APPROVED, overrun_warned_at__isnull=True
    ).update(overrun_warned_at=now)
    if claimed:
        transaction.on_commit(
            partial(signals.estimate_overrun.send, sender=Estimate, estimate_id=estimate.pk, author_id=author.pk),
            robust=True,
        )


# Estimates of additional work. Money: the agreement's hourly rate, each line rounded once (ledger.line_amount).


def _revision(estimate: Estimate, *, step: str, actor: User, now: datetime, reason: str = "") -> None:
    split = {str(share.business_unit_id): share.percent for share in estimate.shares.all()}
    EstimateRevision.objects.create(
        estimate=estimate,
        version=estimate.version,
        step=step,
        actor=actor,
        at=now,
        basis=estimate.basis,
        minutes=estimate.minutes,
        hourly_rate=estimate.hourly_rate,
        amount=estimate.amount,
        description=estimate.description,
        reason=reason,
        split=split,
    )


@transaction.atomic
def estimate_propose(
    *,
    actor: User,
    ticket: Ticket,
    basis: str,
    description: str,
    minutes: int | None = None,
    amount: Decimal | None = None,
    now: datetime | None = None,
) -> Estimate:
    """Propose the request's estimate, or change it: a change is a new version that needs approval again, even
    when the previous one was approved. Hours are priced at the agreement's hourly rate; a fixed price is given."""
    now = now or timezone.now()
    _require_staff(actor, ticket, _("Only the supplier's staff make estimates of additional work."))
    found = agreement_for(ticket.organisation_id, now.date())
    if found is not None:  # the row itself, not the process's cached copy: the rate must be the current one
        found = _locked(found.pk)
    if found is None or found.hourly_rate <= 0:
        raise ValidationError(_("The customer's agreement has no hourly rate for additional work."))
    errors: dict[str, str] = {}
    if basis not in EstimateBasis.values:
        errors["basis"] = _("Choose hours or a fixed price.")
    elif basis == EstimateBasis.HOURS:
        if minutes is None or minutes <= 0:
            errors["minutes"] = _("Estimate more than zero hours of work.")
        elif minutes > 10_000 * 60:
            errors["minutes"] = _("An estimate can hold at most 10 000 hours.")
    elif amount is None or amount <= 0:
        errors["amount"] = _("Give a fixed price of more than zero euros.")
    elif amount != amount.quantize(ledger.CENT) or amount >= Decimal("100000000"):
        errors["amount"] = _("Give the price in euros and cents, at most 99 999 999.99.")
    if not description.strip():
        errors["description"] = _("Describe the work the estimate covers.")
    if errors:
        raise ValidationError(errors)
    rate = found.hourly_rate
    estimated: int | None = minutes if basis == EstimateBasis.HOURS else None
    price = ledger.line_amount(minutes or 0, rate) if basis == EstimateBasis.HOURS else amount
    assert price is not None  # noqa: S101 - checked above
    estimate = Estimate.objects.select_for_update().filter(ticket=ticket).first()
    if estimate is None:
        estimate = Estimate(ticket=ticket, version=1)
    else:
        estimate.version += 1
    estimate.agreement = found
    estimate.basis = basis
    estimate.minutes = estimated
    estimate.amount = price
    estimate.hourly_rate = rate
    estimate.description = description.strip()
    estimate.state = EstimateState.PROPOSED
    estimate.proposed_by = actor
    estimate.proposed_at = now
    estimate.decided_by = None
    estimate.decided_at = None
    estimate.decline_reason = ""
    estimate.approved_minutes = None
    estimate.approved_amount = None
    estimate.overrun_warned_at = None
    estimate.full_clean(exclude=["ticket", "agreement", "proposed_by", "decided_by"])
    estimate.save()
    _revision(estimate, step="proposed", actor=actor, now=now)
    return estimate


def _require_customer_manager(actor: User, estimate: Estimate) -> None:
    contact = getattr(actor, "contact", None)
    if (
        contact is None
        or contact.deactivated_at is not None
        or not contact.is_customer_manager
        or contact.organisation_id != estimate.ticket.organisation_id
    ):
        raise PermissionDenied(_("Only a customer manager of the organisation approves or declines estimates."))


def _split_checked(estimate: Estimate, split: dict[int, int] | None) -> dict[int, int]:
    """The split as given, or the request's own business unit; refused unless the customer's units share 100 %."""
    if split is None:
        unit_id = estimate.ticket.business_unit_id
        return {unit_id: 100} if unit_id is not None else {}
    split = {unit: percent for unit, percent in split.items() if percent}
    problem = ledger.split_problems(list(split.values()))
    if problem == "empty":
        raise ValidationError({"split": _("Give at least one business unit a share of the costs.")})
    if problem == "share":
        raise ValidationError({"split": _("Each business unit's share is a whole percentage from 1 to 100.")})
    if problem == "sum":
        raise ValidationError(
            {
                "split": _("The shares add up to %(total)d %%; they must add up to 100 %%.")
                % {"total": sum(split.values())}
            }
        )
    own = set(
        BusinessUnit.objects.filter(
            organisation_id=estimate.ticket.organisation_id, is_active=True, pk__in=list(split)
        ).values_list("pk", flat=True)
    )
    if own != set(split):
        raise ValidationError({"split": _("Costs can be split only between your own organisation's business units.")})
    return split


def _shares_replace(estimate: Estimate, split: dict[int, int]) -> None:
    estimate.shares.all().delete()
    CostShare.objects.bulk_create(
        CostShare(estimate=estimate, business_unit_id=unit, percent=percent) for unit, percent in split.items()
    )


def _decision_refused(estimate_id: int, version: int) -> ValidationError:
    """Why a decision on the version the customer saw found nothing to decide: told after the conditional update."""
    current = Estimate.objects.select_related("decided_by").get(pk=estimate_id)
    if current.version != version:
        return ValidationError(_("The estimate was changed while you were looking at it; check the new figures."))
    who = current.decided_by.full_name if current.decided_by is not None else ""
    if current.state == EstimateState.APPROVED:
        return ValidationError(_("%(name)s already approved this estimate.") % {"name": who})
    return ValidationError(_("%(name)s already declined this estimate.") % {"name": who})


@transaction.atomic
def estimate_approve(
    *,
    actor: User,
    estimate: Estimate,
    version: int,
    split: dict[int, int] | None = None,
    now: datetime | None = None,
) -> Estimate:
    """A customer manager approves the ``version`` they saw, and its costs fall on business units by ``split``
    (percentages by unit id; by default the request's own unit). Of two approvals at once, one wins."""
    now = now or timezone.now()
    _require_customer_manager(actor, estimate)
    shares = _split_checked(estimate, split)
    won = Estimate.objects.filter(pk=estimate.pk, version=version, state=EstimateState.PROPOSED).update(
        state=EstimateState.APPROVED,
        decided_by=actor,
        decided_at=now,
        approved_minutes=F("minutes"),
        approved_amount=F("amount"),
        overrun_warned_at=None,
    )
    if not won:
        raise _decision_refused(estimate.pk, version)
    estimate.refresh_from_db()
    _shares_replace(estimate, shares)
    _revision(estimate, step="approved", actor=actor, now=now)
    return estimate


@transaction.atomic
def estimate_decline(
    *, actor: User, estimate: Estimate, version: int, reason: str, now: datetime | None = None
) -> Estimate:
    now = now or timezone.now()
    _require_customer_manager(actor, estimate)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the estimate is declined, so that the supplier can revise it.")})
    if len(reason.strip()) > 500:
        raise ValidationError({"reason": _("Keep the reason within 500 characters.")})
    won = Estimate.objects.filter(pk=estimate.pk, version=version, state=EstimateState.PROPOSED).update(
        state=EstimateState.DECLINED, decided_by=actor, decided_at=now, decline_reason=reason.strip()
    )
    if not won:
        raise _decision_refused(estimate.pk, version)
    estimate.refresh_from_db()
    _revision(estimate, step="declined", actor=actor, now=now, reason=reason.strip())
    return estimate


@transaction.atomic
def estimate_split(*, actor: User, estimate: Estimate, split: dict[int, int], now: datetime | None = None) -> Estimate:
    """Change how an approved estimate's costs fall on business units, until a period holding its work is closed."""
    now = now or timezone.now()
    _require_customer_manager(actor, estimate)
    estimate = Estimate.objects.select_for_update().select_related("ticket").get(pk=estimate.pk)
    if estimate.state != EstimateState.APPROVED:
        raise ValidationError(_("Only an approved estimate's costs are split; approve the estimate first."))
    shares = _split_checked(estimate, split)
    starts = TimeEntry.objects.filter(ticket_id=estimate.ticket_id, kind=WorkKind.ADDITIONAL).values("period_start")
    if ClosedPeriod.objects.filter(agreement_id=estimate.agreement_id, start__in=starts).exists():
        raise ValidationError(_("The period of this work is closed for invoicing; its costs can no longer be split."))
    _shares_replace(estimate, shares)
    _revision(estimate, step="split", actor=actor, now=now)
    return estimate


# The running timer. It is the agent's working state, not a record: what counts is the entry it becomes, logged by
# time_entry_log with everything that checks. So its moves write no history of their own.


def _timers_of(actor: User) -> None:
    """Take the agent's row lock: one agent's timer moves (say, in two tabs) happen one after another."""
    User.objects.select_for_update().filter(pk=actor.pk).first()


def _own_timer(actor: User, timer: Timer) -> Timer:
    """The timer's row as it is now, refused unless it is the acting agent's."""
    _timers_of(actor)
    current = Timer.objects.select_related("ticket", "agent").filter(pk=timer.pk).first()
    if current is None:
        raise ValidationError(_("This timer no longer exists: its time was logged or discarded in another window."))
    if current.agent_id != actor.pk:
        raise ValidationError(
            _("This timer is %(name)s's; only they can pause, stop or log it.") % {"name": current.agent.full_name}
        )
    return current


def _bank(timer: Timer, now: datetime) -> None:
    timer.banked_seconds = stopwatch.elapsed_seconds(timer.banked_seconds, timer.running_since, now)
    timer.running_since = None


def _pause_others(actor: User, keep: Timer | None, now: datetime) -> Timer | None:
    """Pause the agent's timer running on another request, if any, and return it: one runs at a time."""
    running = Timer.objects.filter(agent=actor, running_since__isnull=False).select_related("ticket")
    if keep is not None and keep.pk is not None:
        running = running.exclude(pk=keep.pk)
    other = running.first()
    if other is not None:
        _bank(other, now)
        other.save(update_fields=["banked_seconds", "running_since"])
    return other


@transaction.atomic
def timer_start(
    *,
    actor: User,
    ticket: Ticket,
    kind: str = WorkKind.HELP_DESK,
    description: str = "",
    internal_note: str = "",
    now: datetime | None = None,
) -> tuple[Timer, Timer | None]:
    """Start the agent's timer on a request; return it and the timer it paused on another request, if any.

    Starting a timer pauses the one running elsewhere rather than refusing: an agent who picks up a call about
    another request wants the clock to follow them, and the paused time is kept to resume later. A paused timer on
    this request is resumed."""
    now = now or timezone.now()
    _require_staff(actor, ticket)
    _timers_of(actor)
    if kind not in WorkKind.values:
        raise ValidationError({"kind": _("Choose the kind of work.")})
    timer = Timer.objects.filter(agent=actor, ticket=ticket).first()
    if timer is not None and timer.stopped_at is not None:
        raise ValidationError(_("Log or discard the stopped time on this request before starting the timer again."))
    if timer is not None and timer.running_since is not None:
        raise ValidationError(_("Your timer on this request is already running."))
    paused = _pause_others(actor, timer, now)
    if timer is None:
        timer = Timer(agent=actor, ticket=ticket, kind=kind, started_at=now)
        timer.description = description.strip()
        timer.internal_note = internal_note.strip()
        timer.full_clean(exclude=["agent", "ticket"])
    timer.running_since = now
    timer.save()
    return timer, paused


@transaction.atomic
def timer_pause(*, actor: User, timer: Timer, now: datetime | None = None) -> Timer:
    now = now or timezone.now()
    timer = _own_timer(actor, timer)
    if timer.stopped_at is not None:
        raise ValidationError(_("The timer is stopped; log its time or discard it."))
    if timer.running_since is None:
        raise ValidationError(_("The timer is already paused."))
    _bank(timer, now)
    timer.save(update_fields=["banked_seconds", "running_since"])
    return timer


@transaction.atomic
def timer_resume(*, actor: User, timer: Timer, now: datetime | None = None) -> tuple[Timer, Timer | None]:
    """Run a paused timer again; the one running on another request pauses (see :func:`timer_start`)."""
    now = now or timezone.now()
    timer = _own_timer(actor, timer)
    if timer.stopped_at is not None:
        raise ValidationError(_("The timer is stopped; log its time or discard it."))
    if timer.running_since is not None:
        raise ValidationError(_("Your timer on this request is already running."))
    paused = _pause_others(actor, timer, now)
    timer.running_since = now
    timer.save(update_fields=["running_since"])
    return timer, paused


@transaction.atomic
def timer_stop(*, actor: User, timer: Timer, now: datetime | None = None) -> Timer:
    """Stop the timer: its time waits, rounded up to the minute, for the agent to log it as an entry or discard it."""
    now = now or timezone.now()
    timer = _own_timer(actor, timer)
    if timer.stopped_at is not None:
        raise ValidationError(_("The timer is already stopped; log its time or discard it."))
    _bank(timer, now)
    if timer.banked_seconds <= 0:
        raise ValidationError(_("The timer has not run for any time, so there is nothing to log; discard it instead."))
    timer.stopped_at = now
    timer.save(update_fields=["banked_seconds", "running_since", "stopped_at"])
    return timer


@transaction.atomic
def timer_log(
    *,
    actor: User,
    timer: Timer,
    day: date,
    minutes: int,
    kind: str,
    description: str = "",
    internal_note: str = "",
    override_reason: str = "",
    address: str = "",
    now: datetime | None = None,
) -> TimeEntry:
    """Log a stopped timer's time as the agent confirmed it (perhaps edited) and drop the timer, in one go: if the
    entry is refused, the timer stays for another try."""
    now = now or timezone.now()
    timer = _own_timer(actor, timer)
    if timer.stopped_at is None:
        raise ValidationError(_("Stop the timer before logging its time."))
    entry = time_entry_log(
        actor=actor,
        ticket=timer.ticket,
        day=day,
        minutes=minutes,
        kind=kind,
        description=description,
        internal_note=internal_note,
        override_reason=override_reason,
        address=address,
        now=now,
    )
    timer.delete()
    return entry


@transaction.atomic
def timer_discard(*, actor: User, timer: Timer) -> None:
    """Throw the timer's time away, whatever its state; nothing is logged."""
    _own_timer(actor, timer).delete()
