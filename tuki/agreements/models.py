"""Support and maintenance agreements, the service-hours calendars they use, and their SLA targets."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Organisation
from tuki.environments.models import Environment


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("Critical")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ServiceCalendar(models.Model):
    """Weekly hours in a time zone, public holidays by country, and per-date exceptions. Shared by agreements."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=8,
        default="FI",
        blank=True,
        help_text=_("Country code, e.g. FI or SE; empty for no public holidays (a 24/7 on-call calendar)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service hours calendar")
        verbose_name_plural = _("service hours calendars")

    def __str__(self) -> str:
        return self.name


class PublicHolidays(models.Model):
    """One country's public holidays of one year, named in one language, as the holidays library gives them.

    Kept here because the library loads every country it knows (about 10 MB) to answer for one: the processes that
    build calendar engines (every web worker) read these rows, and only a process that finds a year missing imports
    the library to fill it in (see :mod:`tuki.agreements.public_holidays`).
    """

    country = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=8)
    names = models.JSONField(default=dict)  # ISO date -> name

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "year", "language"], name="public_holidays_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.year} ({self.language})"


class CalendarHours(models.Model):
    """One open interval on one weekday; a day may have several."""

    calendar = models.ForeignKey(ServiceCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), null=True, blank=True, help_text=_("Empty: open until midnight."))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.interval_text()}"

    def interval_text(self) -> str:
        end = "24:00" if self.closes is None else self.closes.strftime("%H:%M")
        return f"{self.opens.strftime('%H:%M')}-{end}"


class CalendarException(models.Model):
    """A date whose hours differ from the week's: closed (no times) or open only the given times."""

    calendar = models.ForeignKey(ServiceCalendar, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["day", "opens"]
        verbose_name = _("exception day")
        verbose_name_plural = _("exception days")

    def __str__(self) -> str:
        return f"{self.day}: {self.note}"


class QuotaPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class CarryOver(models.TextChoices):
    """What happens to a period's unused maintenance hours."""

    NONE = "none", _("unused hours lapse")
    CAPPED = "capped", _("unused hours carry over to the next period, up to a cap")


class ContactVisibility(models.TextChoices):
    """Which of the customer's requests its named contacts see in the portal (customer managers see all)."""

    ORGANISATION = "organisation", _("all of the customer's requests")
    OWN = "own", _("their own, their business unit's and those copied to them")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def in_force(self, day: date) -> AgreementQuerySet:
        """The agreements in force on ``day``, the latest-starting first (it wins where several overlap)."""
        return self.filter(valid_from__lte=day).exclude(valid_until__lt=day).order_by("-valid_from")

    def governing(self, organisation_id: int, day: date) -> AgreementQuerySet:
        """The one agreement (as a queryset) whose terms for the customer's contacts apply on ``day``: the
        latest-starting that has started. An expired agreement still governs until another one starts, so the
        requests of a customer whose agreement lapsed do not become visible to more of its contacts."""
        return self.filter(organisation_id=organisation_id, valid_from__lte=day).order_by("-valid_from", "-pk")[:1]


class Agreement(models.Model):
    """A customer's support and maintenance agreement: what every request is measured against."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=200, default="SELECT")
    valid_from = models.DateField(_("valid from"), default=date.today)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    service_calendar = models.ForeignKey(
        ServiceCalendar, on_delete=models.PROTECT, related_name="+", verbose_name=_("service hours")
    )
    includes_on_call = models.BooleanField(
        _("includes on-call services"),
        default=False,
        help_text=_("Critical faults are worked on around the clock under the on-call calendar."),
    )
    on_call_calendar = models.ForeignKey(
        ServiceCalendar,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("on-call calendar"),
    )
    reopen_window_days = models.PositiveSmallIntegerField(
        _("reopen window (days)"),
        default=14,
        help_text=_("How long after resolution the customer may reopen a request before it closes."),
    )
    quota_hours = models.DecimalField(
        _("maintenance quota (hours)"), max_digits=7, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    quota_period = models.CharField(
        _("quota period"), max_length=10, choices=QuotaPeriod.choices, default=QuotaPeriod.MONTH
    )
    carry_over = models.CharField(
        _("carry-over of unused hours"), max_length=10, choices=CarryOver.choices, default=CarryOver.NONE
    )
    carry_over_cap_hours = models.DecimalField(
        _("carry-over cap (hours)"),
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("At most this many unused hours move to the next period."),
    )
    hourly_rate = models.DecimalField(
        _("hourly rate beyond the quota (EUR)"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    environments = models.ManyToManyField(
        Environment, blank=True, related_name="agreements", verbose_name=_("covered environments")
    )
    contact_visibility = models.CharField(
        _("named contact persons see"),
        max_length=16,
        choices=ContactVisibility.choices,
        default=ContactVisibility.ORGANISATION,
        help_text=_("Customer managers always see all of the customer's requests."),
    )
    contacts_see_reports = models.BooleanField(
        _("all named contacts see the monthly reports"),
        default=False,
        help_text=_("Customer managers always see the monthly reports."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = AgreementQuerySet.as_manager()

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["organisation__name", "-valid_from"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.name} – {self.organisation.name}"

    def clean(self) -> None:
        if self.carry_over == CarryOver.CAPPED and not self.carry_over_cap_hours:
            raise ValidationError({"carry_over_cap_hours": _("Give the most hours that may carry over.")})

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def calendar_for(self, priority: int) -> ServiceCalendar:
        """Critical faults run on the on-call calendar when the agreement includes on-call services."""
        if priority == Priority.CRITICAL and self.includes_on_call and self.on_call_calendar_id:
            assert self.on_call_calendar is not None  # noqa: S101 - narrowed by the id check
            return self.on_call_calendar
        return self.service_calendar

    def target_for(self, priority: int) -> SlaTarget | None:
        return next((t for t in self.targets.all() if t.priority == priority), None)


class SlaTarget(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(
        _("response time (minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(_("resolution time (minutes)"), validators=[MinValueValidator(1)])

    ORGANISATION_PATH: ClassVar[str] = "agreement__organisation"

    class Meta:
        ordering = ["priority"]
        constraints = [models.UniqueConstraint(fields=["agreement", "priority"], name="sla_target_unique_priority")]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")

    def __str__(self) -> str:
        return f"{self.get_priority_display()}"

    @property
    def first_response(self) -> timedelta:
        return timedelta(minutes=self.first_response_minutes)

    @property
    def resolution(self) -> timedelta:
        return timedelta(minutes=self.resolution_minutes)
