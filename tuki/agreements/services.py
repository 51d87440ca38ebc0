"""Writes for calendars and agreements. Only the supplier's managers may make them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Organisation
from tuki.agreements.calendars import build_engine
from tuki.agreements.models import Agreement, CalendarException, CalendarHours, ServiceCalendar, SlaTarget
from tuki.core.versioned import VersionedCache
from tuki.environments.models import Environment

WeeklyRow = tuple[int, time, time | None]
ExceptionRow = tuple[date, time | None, time | None]


def _require_manager(actor: Any) -> None:
    if not getattr(actor, "is_manager", False):
        raise PermissionDenied("Only the supplier's managers may change agreements and calendars.")


@transaction.atomic
def calendar_save(
    *,
    actor: Any,
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
    calendar_changed(calendar)
    return calendar


def calendar_changed(calendar: ServiceCalendar) -> None:
    """Every open deadline measured on this calendar is recomputed once the change is committed."""
    from tuki.sla.tasks import recompute_deadlines_for_calendar

    agreements_bump_version()
    calendar_id = calendar.pk
    transaction.on_commit(lambda: recompute_deadlines_for_calendar(calendar_id))


@transaction.atomic
def agreement_save(
    *,
    actor: Any,
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
    hourly_rate: Decimal = Decimal(0),
    environments: Iterable[Environment] = (),
) -> Agreement:
    """Create or update an agreement with its targets ({priority: (first response min, resolution min)})."""
    _require_manager(actor)
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
    agreement.hourly_rate = hourly_rate
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
    agreement_changed(agreement)
    return agreement


def agreement_changed(agreement: Agreement) -> None:
    from tuki.sla.tasks import recompute_deadlines_for_agreement

    agreements_bump_version()
    agreement_id = agreement.pk
    transaction.on_commit(lambda: recompute_deadlines_for_agreement(agreement_id))


def agreement_for(organisation_id: int, day: date) -> Agreement | None:
    """The organisation's agreement in force on ``day`` (the latest-starting one if several overlap).

    Every new request asks this, so answers are kept per process until any agreement or calendar changes
    anywhere (agreement_changed and calendar_changed bump the version).
    """
    return AGREEMENTS.get(
        ("in force", organisation_id, day),
        lambda: (
            Agreement.objects.in_force(day)
            .filter(organisation_id=organisation_id)
            .select_related("service_calendar", "on_call_calendar")
            .prefetch_related("targets")
            .first()
        ),
    )


def agreement_get(agreement_id: int) -> Agreement | None:
    """An agreement by id with its calendars and targets, kept per process like :func:`agreement_for`'s answers.

    Every request page needs its request's agreement. After a change anywhere, the first page a process shows
    loads every agreement at once (a few hundred rows), rather than one customer's at a time on page after page.
    """
    every = AGREEMENTS.get("by id", lambda: {agreement.pk: agreement for agreement in _agreements_with_terms()})
    if agreement_id not in every:  # made after the load, in a transaction not yet committed then
        every[agreement_id] = _agreements_with_terms().filter(pk=agreement_id).first()
    return every[agreement_id]


def _agreements_with_terms() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("service_calendar", "on_call_calendar").prefetch_related("targets")


AGREEMENTS: VersionedCache[Any] = VersionedCache("agreements")


def agreements_bump_version() -> None:
    """Make every process forget the agreements it knows (after a change to any agreement or calendar)."""
    AGREEMENTS.changed()


@receiver(post_save, sender=Agreement)
@receiver(post_delete, sender=Agreement)
def _agreement_saved(**kwargs: Any) -> None:
    # Writes through any path, the admin's and the shell's included, reach every process's answers.
    agreements_bump_version()
