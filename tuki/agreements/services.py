"""Writes for calendars and agreements. Only the supplier's managers may make them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Organisation, User
from tuki.agreements import signals
from tuki.agreements.auditing import agreement_terms
from tuki.agreements.calendars import build_engine
from tuki.agreements.models import (
    Agreement,
    CalendarException,
    CalendarHours,
    CarryOver,
    ContactVisibility,
    ServiceCalendar,
    SlaTarget,
)
from tuki.audit.changes import changed_fields
from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.environments.models import Environment

WeeklyRow = tuple[int, time, time | None]
ExceptionRow = tuple[date, time | None, time | None]


def _require_manager(actor: User) -> None:
    if not getattr(actor, "is_manager", False):
        raise PermissionDenied("Only the supplier's managers may change agreements and calendars.")


@transaction.atomic
def calendar_save(
    *,
    actor: User,
    name: str,
    weekly: Iterable[WeeklyRow],
    exceptions: Iterable[ExceptionRow] = (),
    timezone: str = "Europe/Helsinki",
    holiday_country: str = "FI",
    calendar: ServiceCalendar | None = None,
) -> ServiceCalendar:
    """Create or replace a calendar. Invalid hours raise ValidationError before anything is written."""
    _require_manager(actor)
    weekly, exceptions = list(weekly), list(exceptions)
    today = django_timezone.localdate()
    build_engine(
        timezone=timezone,
        holiday_country=holiday_country,
        weekly=weekly,
        exceptions=exceptions,
        years=[today.year],
    )
    calendar = calendar or ServiceCalendar()
    calendar.name, calendar.timezone, calendar.holiday_country = name, timezone, holiday_country.upper()
    calendar.full_clean()
    calendar.save()
    calendar.hours.all().delete()
    calendar.exceptions.all().delete()
    CalendarHours.objects.bulk_create(
        CalendarHours(calendar=calendar, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in weekly
    )
    CalendarException.objects.bulk_create(
        CalendarException(calendar=calendar, day=day, opens=opens, closes=closes) for day, opens, closes in exceptions
    )
    calendar.save(update_fields=["updated_at"])  # a new version for the engine cache, now that the rows are in
    calendar_announce_change(calendar)
    return calendar


def calendar_announce_change(calendar: ServiceCalendar) -> None:
    """Every open deadline measured on this calendar is recomputed once the change is committed.

    The processes' copies of the agreements follow the saves themselves (receivers in agreements.selectors).
    """
    transaction.on_commit(
        partial(signals.calendar_changed.send, sender=ServiceCalendar, calendar_id=calendar.pk), robust=True
    )


@transaction.atomic
def agreement_save(
    *,
    actor: User,
    organisation: Organisation,
    service_calendar: ServiceCalendar,
    targets: Mapping[int, tuple[int, int]],
    agreement: Agreement | None = None,
    name: str = "SELECT",
    valid_from: date | None = None,
    valid_until: date | None = None,
    includes_on_call: bool = False,
    on_call_calendar: ServiceCalendar | None = None,
    reopen_window_days: int = 14,
    quota_hours: Decimal = Decimal(0),
    quota_period: str = "month",
    carry_over: str = CarryOver.NONE,
    carry_over_cap_hours: Decimal = Decimal(0),
    hourly_rate: Decimal = Decimal(0),
    environments: Iterable[Environment] = (),
    address: str = "",
    contact_visibility: str = ContactVisibility.ORGANISATION,
    contacts_see_reports: bool = False,
) -> Agreement:
    """Create or update an agreement with its targets ({priority: (first response min, resolution min)})."""
    _require_manager(actor)
    before = agreement_terms(agreement.pk if agreement is not None else None)
    agreement = agreement or Agreement(organisation=organisation)
    agreement.organisation = organisation
    agreement.name = name
    agreement.valid_from = valid_from or django_timezone.localdate()
    agreement.valid_until = valid_until
    agreement.service_calendar = service_calendar
    agreement.includes_on_call = includes_on_call
    agreement.on_call_calendar = on_call_calendar
    agreement.reopen_window_days = reopen_window_days
    agreement.quota_hours = quota_hours
    agreement.quota_period = quota_period
    agreement.carry_over = carry_over
    agreement.carry_over_cap_hours = carry_over_cap_hours
    agreement.hourly_rate = hourly_rate
    agreement.contact_visibility = contact_visibility
    agreement.contacts_see_reports = contacts_see_reports
    agreement.full_clean()
    agreement.save()
    environments = list(environments)
    if any(environment.organisation_id != organisation.pk for environment in environments):
        raise ValidationError(
            {"environments": _("An environment of another customer cannot be covered by this agreement.")}
        )
    agreement.environments.set(environments)
    agreement.targets.all().delete()
    for priority, (first_response, resolution) in sorted(targets.items()):
        target = SlaTarget(
            agreement=agreement,
            priority=priority,
            first_response_minutes=first_response,
            resolution_minutes=resolution,
        )
        target.full_clean()
        target.save()
    agreement_record_change(actor=actor, agreement=agreement, before=before, address=address)
    agreement_announce_change(agreement)
    return agreement


def agreement_record_change(
    *, actor: User | None, agreement: Agreement, before: dict[str, object] | None, address: str = ""
) -> None:
    """One audit entry with every term and SLA target that changed from ``before`` (None: a new agreement).

    Called inside the transaction of the change, after its targets are written; nothing changed, nothing written.
    """
    changes = changed_fields(before, agreement_terms(agreement.pk) or {})
    if not changes:
        return
    audit_record(
        action=Action.AGREEMENT_CREATED if before is None else Action.AGREEMENT_CHANGED,
        actor=actor,
        target=agreement,
        address=address,
        details={"changes": changes},
    )


def agreement_announce_change(agreement: Agreement) -> None:
    """Every open deadline measured by this agreement is recomputed once the change is committed."""
    transaction.on_commit(
        partial(signals.agreement_changed.send, sender=Agreement, agreement_id=agreement.pk), robust=True
    )
