"""Writes of the monthly report: make a version (the first claimed once, however many workers try), and record a
failed attempt for the supplier's managers."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Organisation, User
from tuki.reports import signals
from tuki.reports.figures import Figures, ReportMonthError, month_figures
from tuki.reports.figures.period import next_month
from tuki.reports.models import MonthlyReport, ReportFailure, ReportNotice
from tuki.reports.selectors import month_end, report_readers


def _require_finished(organisation: Organisation, month: date, now: datetime) -> None:
    end = month_end(organisation, month)
    if end.date() > next_month(now.astimezone(end.tzinfo).date()):
        raise ReportMonthError(
            _("The month %(month)s has not begun yet: there is nothing to report.") % {"month": f"{month:%Y-%m}"}
        )
    if end > now:
        raise ReportMonthError(
            _("The month %(month)s is not over yet: its report can be made from %(day)s on.")
            % {"month": f"{month:%Y-%m}", "day": next_month(month).isoformat()}
        )


def _recomputed(previous: MonthlyReport | None, figures: Figures) -> list[Figures]:
    """A note for each request whose breaches differ from the previous version's: its SLA was recomputed since."""
    if previous is None:
        return []

    def breaches(found: Figures) -> dict[str, set[tuple[str, str, int]]]:
        by_reference: dict[str, set[tuple[str, str, int]]] = {}
        for row in found.get("sla", {}).get("breaches", []):
            by_reference.setdefault(row["reference"], set()).add((row["target"], row["due"], row["late_minutes"]))
        return by_reference

    before, after = breaches(previous.figures), breaches(figures)
    changed = sorted(ref for ref in before.keys() | after.keys() if before.get(ref) != after.get(ref))
    return [{"code": "sla_recomputed", "params": {"reference": reference}} for reference in changed]


def _create(report: MonthlyReport) -> MonthlyReport | None:
    """Insert one version; None when another worker took that version first (the unique constraint decides)."""
    try:
        with transaction.atomic():
            report.save(force_insert=True)
            return report
    except IntegrityError:
        return None


def _record_notices(report: MonthlyReport) -> None:
    for reader in report_readers(report.organisation_id):
        notice, created = ReportNotice.objects.get_or_create(report=report, recipient=reader)
        if created:
            transaction.on_commit(
                partial(signals.report_notice_recorded.send, sender=ReportNotice, notice_id=notice.pk), robust=True
            )


def report_make(
    *,
    organisation: Organisation,
    month: date,
    actor: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> MonthlyReport:
    """The customer's report of ``month``. Without a reason: version 1, made once (a repeated run, or a second
    worker, gets the one already made). With a reason: a new version after the latest, which keeps the old ones.
    The first version is mailed to the customer managers. ``actor`` None is the monthly job; a person must be one
    of the supplier's managers."""
    now = now or timezone.now()
    month = month.replace(day=1)
    reason = reason.strip()
    if actor is not None and not actor.is_manager:
        raise PermissionDenied(_("Only the supplier's managers make monthly reports."))
    _require_finished(organisation, month, now)
    versions = MonthlyReport.objects.filter(organisation=organisation, month=month)
    if not reason:
        existing = versions.filter(version=1).first()
        if existing is not None:
            return existing
    elif len(reason) > 500:
        raise ValidationError({"reason": _("Say the reason in at most 500 characters.")})
    # The figures are read before the transaction: a long read holds no lock.
    figures = month_figures(organisation=organisation, month=month, now=now)
    with transaction.atomic():
        if not reason:
            report = _create(MonthlyReport(organisation=organisation, month=month, figures=figures, made_at=now))
            if report is None:
                return versions.get(version=1)
        else:
            report = None
            own_notes = list(figures["notes"])
            while report is None:  # two regenerations at once: the later takes the next number
                previous = versions.order_by("-version").first()
                figures["notes"] = own_notes + _recomputed(previous, figures)
                version = (versions.aggregate(latest=Max("version"))["latest"] or 0) + 1
                report = _create(
                    MonthlyReport(
                        organisation=organisation,
                        month=month,
                        version=version,
                        figures=figures,
                        made_at=now,
                        made_by=actor,
                        reason=reason,
                    )
                )
        if report.version == 1:
            _record_notices(report)
        transaction.on_commit(
            partial(signals.report_ready.send, sender=MonthlyReport, report_id=report.pk), robust=True
        )
        ReportFailure.objects.filter(organisation=organisation, month=month, resolved_at__isnull=True).update(
            resolved_at=now
        )
    return report


def report_failure_record(*, organisation: Organisation, month: date, error: str, now: datetime | None = None) -> None:
    """Count a failed attempt at the customer's report of ``month`` (the supplier's managers see these)."""
    now = now or timezone.now()
    with transaction.atomic():
        failure, created = ReportFailure.objects.select_for_update().get_or_create(
            organisation=organisation, month=month, defaults={"error": error[:5000], "failed_at": now}
        )
        if not created:
            failure.error = error[:5000]
            failure.failed_at = now
            failure.attempts = failure.attempts + 1 if failure.resolved_at is None else 1
            failure.resolved_at = None
            failure.save(update_fields=["error", "failed_at", "attempts", "resolved_at"])
