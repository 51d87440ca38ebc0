"""Managers edit calendars and agreements in the admin. A calendar is validated as a whole (weekly hours,
exception days, time zone and holiday country together) before anything is saved."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.auth import acting_user
from tuki.agreements.auditing import agreement_terms
from tuki.agreements.calendars import exception_problems, weekly_problems
from tuki.agreements.models import Agreement, CalendarException, CalendarHours, ServiceCalendar, SlaTarget
from tuki.agreements.public_holidays import holiday_names
from tuki.agreements.services import agreement_announce_change, agreement_record_change, calendar_announce_change
from tuki.core.client_address import client_address
from tuki.core.forms import MinutesField


class ServiceCalendarForm(forms.ModelForm):
    class Meta:
        model = ServiceCalendar
        fields = ["name", "timezone", "holiday_country"]

    def clean_timezone(self) -> str:
        name: str = self.cleaned_data["timezone"].strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_("Unknown time zone. Use a name such as Europe/Helsinki.")) from None
        return name

    def clean_holiday_country(self) -> str:
        code: str = self.cleaned_data["holiday_country"].strip().upper()
        try:
            holiday_names(code, [2026])
        except ValidationError as error:
            raise ValidationError(error.message_dict["holiday_country"]) from None
        return code


def _live_rows(formset: BaseInlineFormSet) -> list[dict[str, Any]]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class HoursFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        problems = weekly_problems([(r["weekday"], r["opens"], r.get("closes")) for r in _live_rows(self)])
        if problems:
            raise ValidationError(problems)


class ExceptionsFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        problems = exception_problems([(r["day"], r.get("opens"), r.get("closes")) for r in _live_rows(self)])
        if problems:
            raise ValidationError(problems)


class CalendarHoursInline(admin.TabularInline):
    model = CalendarHours
    formset = HoursFormSet
    extra = 0


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    formset = ExceptionsFormSet
    extra = 0


@admin.register(ServiceCalendar)
class ServiceCalendarAdmin(admin.ModelAdmin):
    form = ServiceCalendarForm
    list_display = ["name", "timezone", "holiday_country", "updated_at"]
    inlines = [CalendarHoursInline, CalendarExceptionInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.save(update_fields=["updated_at"])
        calendar_announce_change(form.instance)


# The targets count service hours (the agreement's calendar), so a day typed here is 24 of them.
TARGET_HELP = gettext_lazy(
    "For example 4 h, 1 h 30 min, 90 min, 1:30 or 2 d. Counted in service hours: 1 d is 24 service hours, "
    "not one working day."
)


class SlaTargetForm(forms.ModelForm):
    first_response_minutes = MinutesField(label=gettext_lazy("Response time"), help_text=TARGET_HELP)
    resolution_minutes = MinutesField(label=gettext_lazy("Resolution time"), help_text=TARGET_HELP)

    class Meta:
        model = SlaTarget
        fields = ["priority", "first_response_minutes", "resolution_minutes"]


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    form = SlaTargetForm
    extra = 0
    min_num = 1


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "valid_from", "valid_until", "includes_on_call", "quota_hours"]
    list_filter = ["includes_on_call", "contact_visibility"]
    search_fields = ["organisation__name", "name"]
    filter_horizontal = ["environments"]
    inlines = [SlaTargetInline]

    def save_model(self, request: HttpRequest, obj: Agreement, form: Any, change: bool) -> None:
        # The stored terms before this save, for the audit entry written once the targets are saved too.
        form.terms_before = agreement_terms(obj.pk if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The admin saves the whole form in one transaction: a failure later leaves no entry behind.
        agreement_record_change(
            actor=acting_user(request),
            agreement=form.instance,
            before=form.terms_before,
            address=client_address(request),
        )
        agreement_announce_change(form.instance)
