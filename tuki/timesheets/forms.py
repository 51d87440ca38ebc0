"""The forms of time entries: logging time on a request by hand, and correcting an entry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuki.timesheets.models import MAX_MINUTES, WorkKind


class TimeEntryForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    minutes = forms.IntegerField(label=_("Minutes"), help_text=_("At most 24 hours (1440 minutes) in one entry."))
    kind = forms.ChoiceField(label=_("Kind of work"), choices=WorkKind.choices)
    description = forms.CharField(
        label=_("Description for the customer"), max_length=500, required=False, widget=forms.Textarea({"rows": 2})
    )
    internal_note = forms.CharField(
        label=_("Internal note"), max_length=500, required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes"].widget.attrs.update({"min": 1, "max": MAX_MINUTES})
        if kinds is not None:  # offer what the agreement allows; the service refuses the rest anyway
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type
            field.choices = [(value, label) for value, label in WorkKind.choices if value in kinds]


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)
    minutes = forms.IntegerField(
        label=_("Minutes to reverse"), required=False, min_value=1, help_text=_("Empty: the whole entry.")
    )


class PeriodForm(forms.Form):
    """``?period=``: any day of the period to show or close, as an ISO date."""

    period = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


def chosen_day(data: Mapping[str, Any]) -> date | None:
    """The day a page's ``period`` parameter names, or None when it names none (or nonsense)."""
    form = PeriodForm(data)
    day: date | None = form.cleaned_data["period"] if form.is_valid() else None
    return day
