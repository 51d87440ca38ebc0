"""Time logged on requests, the quota periods a manager has closed, and the quota warnings sent.

Time entries are a ledger: rows are only ever added. A mistake is undone by a correction, a negative entry that
names the entry it corrects and says why, so that every figure can be recomputed from the rows.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import BusinessUnit, Organisation, User
from tuki.agreements.models import Agreement
from tuki.changes.models import Change
from tuki.core.append_only import AppendOnly, AppendOnlyQuerySet
from tuki.core.scoping import visible_to
from tuki.tickets.models import Ticket
from tuki.timesheets import ledger

APPEND_ONLY = "Time entries are append-only: correct an entry with a reversing one."
MAX_MINUTES = 24 * 60


class WorkKind(models.TextChoices):
    HELP_DESK = ledger.HELP_DESK, _("Help desk / on-call services")
    MAINTENANCE = ledger.MAINTENANCE, _("Maintenance")
    ADDITIONAL = ledger.ADDITIONAL, _("Additional work")


class TimeEntry(AppendOnly):
    """Minutes of one kind of work on a request or on a change (exactly one of them), done on one day (a date in
    the agreement's time zone)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="time_entries")
    change = models.ForeignKey(Change, on_delete=models.PROTECT, null=True, blank=True, related_name="time_entries")
    # Additional work is paid for through a request: the one it was logged on, or for work on a change, the request
    # whose approved estimate covered it (the change's first request when a manager logged it without one). Its
    # business unit, or the split its estimate was approved with, decides whose cost the work is.
    billed_request = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # Kept on the row so that a period's sums are one aggregate over an index, without joining the requests.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="time_entries", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    minutes = models.IntegerField(_("minutes"))
    kind = models.CharField(_("kind of work"), max_length=16, choices=WorkKind.choices)
    description = models.CharField(_("description for the customer"), max_length=500, blank=True)
    internal_note = models.CharField(_("internal note"), max_length=500, blank=True)
    # The first day of the quota period the entry counts in: the day's own period, or for a correction made after
    # that period closed, the next open one (``late``).
    period_start = models.DateField(_("period"))
    late = models.BooleanField(_("late correction"), default=False)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", verbose_name=_("corrects")
    )
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()
    APPEND_ONLY: ClassVar[str] = APPEND_ONLY

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["day", "created_at", "pk"]
        indexes = [
            # The ledger's sums and the invoicing export read a period's entries from the index alone, without
            # visiting the rows.
            models.Index(
                fields=["agreement", "period_start", "kind", "late", "ticket", "billed_request", "minutes"],
                name="time_entry_ledger_sums",
            ),
            # Additional work still to invoice: a small part of the entries, found without reading the rest.
            models.Index(
                fields=["agreement", "period_start", "ticket", "late", "minutes"],
                condition=Q(kind="additional"),
                name="time_entry_additional",
            ),
            models.Index(fields=["organisation", "period_start"], name="time_entry_customer_period"),
            models.Index(fields=["ticket", "day"], name="time_entry_ticket_day"),
            models.Index(fields=["change", "day"], name="time_entry_change_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket__isnull=False, change__isnull=True) | Q(ticket__isnull=True, change__isnull=False),
                name="time_entry_on_request_or_change",
            ),
            models.CheckConstraint(
                condition=(Q(corrects__isnull=True, minutes__gt=0, minutes__lte=MAX_MINUTES))
                | Q(corrects__isnull=False, minutes__lt=0, minutes__gte=-MAX_MINUTES),
                name="time_entry_minutes_by_role",
            ),
        ]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.minutes} min"

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[TimeEntry], user: User) -> QuerySet[TimeEntry]:
        # Time on a request is seen by whoever sees the request. Time on a change is the customer's (the queryset
        # is already narrowed to the contact's organisation) even while the change is a draft the customer cannot
        # open: every minute charged to their quota is shown, with the change's identifier.
        return queryset.filter(Q(ticket__in=visible_to(user, Ticket).values("pk")) | Q(change__isnull=False))

    @property
    def subject(self) -> Ticket | Change:
        """The request or the change the time was logged on."""
        subject = self.ticket or self.change
        assert subject is not None  # noqa: S101 - the database holds exactly one of them
        return subject


class PeriodTotal(models.Model):
    """The minutes of one kind of work that count in one quota period of one agreement: the sum of those entries.

    The quota's figures are read from these rows, a few per period, instead of summing thousands of entries on every
    page. The ledger is append-only, so the sum is kept exact by adding each new entry's minutes (a correction's are
    negative) in the transaction that inserts it, while that transaction holds the agreement's row locked
    (:mod:`tuki.timesheets.totals`). The entries stay the truth: every total can be recomputed from them."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+", db_index=False)
    period_start = models.DateField()
    kind = models.CharField(max_length=16, choices=WorkKind.choices)
    minutes = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index the reads use: an agreement's periods in order.
            models.UniqueConstraint(fields=["agreement", "period_start", "kind"], name="period_total_unique"),
        ]
        # The overview reads one period of every customer: a few hundred rows of years of them.
        indexes = [models.Index(fields=["period_start", "agreement", "kind", "minutes"], name="period_total_period")]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.period_start} {self.kind} {self.minutes} min"


class ClosedPeriod(models.Model):
    """A quota period closed for invoicing: its entries are frozen from then on."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="closed_periods")
    start = models.DateField(_("period"))
    end = models.DateField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)

    ORGANISATION_PATH: ClassVar[str] = "agreement__organisation"

    class Meta:
        ordering = ["agreement", "start"]
        constraints = [models.UniqueConstraint(fields=["agreement", "start"], name="closed_period_unique")]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.start}"


class QuotaWarning(models.Model):
    """A period's maintenance use reached a level (80 or 100 %). The unique row is the claim: one per level and
    period, however many processes log time at once."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    level = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period_start", "level"], name="quota_warning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.period_start} {self.level} %"


class QuotaNotice(models.Model):
    """The mail of one warning to one person; ``sent_at`` is set by the conditional update that claims it."""

    warning = models.ForeignKey(QuotaWarning, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["warning", "recipient"], name="quota_notice_once")]

    def __str__(self) -> str:
        return f"{self.warning} -> {self.recipient_id}"


class EstimateState(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class EstimateBasis(models.TextChoices):
    HOURS = "hours", _("Hours at the hourly rate")
    FIXED = "fixed", _("Fixed price")


class Estimate(models.Model):
    """The estimate of a request's additional work: the customer approves it before the work starts.

    One per request; a change makes a new version that needs approval again. ``approved_*`` hold the exact figures
    of the version a customer manager approved, and ``version`` lets the approval name the figures it saw.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="estimate")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("basis"), max_length=8, choices=EstimateBasis.choices)
    minutes = models.PositiveIntegerField(_("estimated minutes"), null=True, blank=True)
    hourly_rate = models.DecimalField(_("hourly rate"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    description = models.TextField(_("description"), max_length=2000)
    state = models.CharField(_("state"), max_length=10, choices=EstimateState.choices, default=EstimateState.PROPOSED)
    version = models.PositiveIntegerField(default=1)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    approved_minutes = models.PositiveIntegerField(null=True, blank=True)
    approved_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Set by the conditional update that claims the one overrun warning of an approved version.
    overrun_warned_at = models.DateTimeField(null=True, blank=True)

    VISIBLE_WITH: ClassVar[str] = "ticket"

    class Meta:
        indexes = [models.Index(fields=["state"], name="estimate_state")]
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")

    def __str__(self) -> str:
        return f"{self.ticket_id} v{self.version} {self.state} {self.amount}"


class EstimateRevision(AppendOnly):
    """One step in an estimate's history, with the figures as they were then: rows are only ever added."""

    estimate = models.ForeignKey(Estimate, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    step = models.CharField(max_length=10)  # proposed, approved, declined, split
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    basis = models.CharField(max_length=8, choices=EstimateBasis.choices)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    description = models.TextField()
    reason = models.CharField(max_length=500, blank=True)
    # The cost split in force after this step, {business unit id: percent}.
    split = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    APPEND_ONLY: ClassVar[str] = APPEND_ONLY

    VISIBLE_WITH: ClassVar[str] = "estimate"

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.estimate_id} v{self.version} {self.step}"


class CostShare(models.Model):
    """The percentage of an estimate's additional costs that one of the customer's business units bears."""

    estimate = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="shares")
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("share (%)"))

    VISIBLE_WITH: ClassVar[str] = "estimate"

    class Meta:
        ordering = ["-percent", "business_unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["estimate", "business_unit"], name="cost_share_unique"),
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="cost_share_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.estimate_id} {self.business_unit_id} {self.percent} %"


class Timer(models.Model):
    """An agent's stopwatch on a request, kept on the server so that it survives a reload and a new tab.

    An agent has at most one timer per request and at most one running at a time: starting another pauses it.
    ``running_since`` is set while it runs; ``banked_seconds`` holds the earlier runs. A stopped timer
    (``stopped_at``) waits for the agent to log its time as an entry, or to discard it.
    """

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timers")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="timers")
    kind = models.CharField(_("kind of work"), max_length=16, choices=WorkKind.choices, default=WorkKind.HELP_DESK)
    description = models.CharField(_("description for the customer"), max_length=500, blank=True)
    internal_note = models.CharField(_("internal note"), max_length=500, blank=True)
    banked_seconds = models.PositiveIntegerField(default=0)
    running_since = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    VISIBLE_WITH: ClassVar[str] = "ticket"

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "ticket"], name="timer_one_per_request"),
            models.UniqueConstraint(
                fields=["agent"], condition=Q(running_since__isnull=False), name="timer_one_running"
            ),
            models.CheckConstraint(
                condition=Q(stopped_at__isnull=True) | Q(running_since__isnull=True), name="timer_stopped_not_running"
            ),
        ]
        verbose_name = _("timer")
        verbose_name_plural = _("timers")

    def __str__(self) -> str:
        return f"{self.agent_id} {self.ticket_id} {self.banked_seconds} s"

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[Timer], user: User) -> QuerySet[Timer]:
        """A timer is the desk's working state: no customer sees one, even on their own request."""
        return queryset.none()

    @property
    def state(self) -> str:
        if self.stopped_at is not None:
            return "stopped"
        return "running" if self.running_since is not None else "paused"
