"""The monthly report's archive: each version a frozen snapshot of its figures, and the runs that failed."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Organisation, User
from tuki.agreements.models import Agreement


class MonthlyReport(models.Model):
    """One version of one customer's report of one month. ``figures`` is the shape agreed in
    ``tuki.reports.figures`` and never changes once written: later edits of the requests, time or agreement
    show only in a new version, made with a reason. ``made_by`` is empty for the monthly job's version."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("customer")
    )
    month = models.DateField(_("month"))
    version = models.PositiveIntegerField(_("version"), default=1)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    figures = models.JSONField(default=dict)
    made_at = models.DateTimeField(_("made"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["-month", "organisation__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month", "version"], name="monthly_report_version_once")
        ]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m} v{self.version}"

    def download_name(self, extension: str, *, with_customer: bool = False) -> str:
        """The file name of a download; the supplier's staff, who fetch every customer's, get the customer's id."""
        customer = f"{self.organisation_id}-" if with_customer else ""
        return f"kuukausiraportti-{customer}{self.month:%Y-%m}-v{self.version}.{extension}"

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[MonthlyReport], user: User) -> QuerySet[MonthlyReport]:
        """Customer managers see their organisation's reports; other contacts only when the agreement governing
        today says so."""
        contact = user.contact
        if contact.is_customer_manager:
            return queryset
        governing = Agreement.objects.governing(contact.organisation_id, timezone.localdate())
        allows = Agreement.objects.filter(pk__in=governing.values("pk"), contacts_see_reports=True)
        return queryset.filter(Exists(allows.filter(organisation_id=OuterRef("organisation_id"))))


class ReportFailure(models.Model):
    """The monthly job could not make a customer's report: shown to the supplier's managers, tried again by the
    next run until ``RETRIES`` attempts; cleared (``resolved_at``) once a report is made."""

    RETRIES: ClassVar[int] = 5

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    error = models.TextField(_("error"))
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    failed_at = models.DateTimeField(_("failed"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["-month", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="report_failure_once")]
        verbose_name = _("failed monthly report")
        verbose_name_plural = _("failed monthly reports")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}: {self.error[:60]}"


class ReportNotice(models.Model):
    """The mail of one report to one customer manager; created with the report (unique per reader) and claimed by
    the conditional update that sets ``sent_at``, so a retried or doubled job mails nobody twice."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "recipient"], name="report_notice_once")]

    def __str__(self) -> str:
        return f"{self.report} -> {self.recipient_id}"
