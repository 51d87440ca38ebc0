"""The forms of time entries: logging time on a request by hand, and correcting an entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import BusinessUnit
from tuki.timesheets.models import MAX_MINUTES, EstimateBasis, WorkKind


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
    override_reason = forms.CharField(
        label=_("Reason to log additional work without an approved estimate"),
        help_text=_("Supplier managers only; recorded in the audit log."),
        max_length=500,
        required=False,
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


class EstimateForm(forms.Form):
    """The desk's estimate: hours (priced at the agreement's rate) or a fixed price, and what the work is."""

    basis = forms.ChoiceField(label=_("Basis"), choices=EstimateBasis.choices, widget=forms.RadioSelect)
    hours = forms.DecimalField(
        label=_("Estimated hours"), required=False, min_value=Decimal("0.01"), max_digits=7, decimal_places=2
    )
    amount = forms.DecimalField(label=_("Fixed price (€)"), required=False, max_digits=10, decimal_places=2)
    description = forms.CharField(
        label=_("Description of the work"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the service takes them: hours become whole minutes, rounded half up."""
        data = self.cleaned_data
        hours = data["hours"]
        minutes = int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if hours is not None else None
        return {
            "basis": data["basis"],
            "minutes": minutes,
            "amount": data["amount"],
            "description": data["description"],
        }


class EstimateDecisionForm(forms.Form):
    """The portal's approval step: a share for each of the customer's business units, or a reason to decline."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for declining"), max_length=500, required=False)

    def __init__(self, *args: Any, units: Sequence[BusinessUnit], initial_split: Mapping[int, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.units = list(units)
        for unit in self.units:
            self.fields[f"share_{unit.pk}"] = forms.IntegerField(
                label=_("%(unit)s, share (%%)") % {"unit": unit.name},
                required=False,
                min_value=0,
                max_value=100,
                initial=initial_split.get(unit.pk, 0),
            )

    def share_fields(self) -> list[forms.BoundField]:
        return [self[f"share_{unit.pk}"] for unit in self.units]

    def split(self) -> dict[int, int]:
        return {unit.pk: self.cleaned_data.get(f"share_{unit.pk}") or 0 for unit in self.units}


class TimerStartForm(forms.Form):
    """What the timer is for: the kind of work and, if the agent wants, the description for the customer now."""

    kind = forms.ChoiceField(label=_("Kind of work"), choices=WorkKind.choices)
    description = forms.CharField(label=_("Description for the customer"), max_length=500, required=False)

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type
            field.choices = [(value, label) for value, label in WorkKind.choices if value in kinds]
