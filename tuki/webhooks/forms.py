from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuki.webhooks.models import EventType


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        help_text=_("Where Tuki posts the events, starting with https://. Your server answers with a 2xx status."),
        widget=forms.URLInput(attrs={"placeholder": "https://desk.example.com/hooks/tuki"}),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )


class SubscriptionChangeForm(SubscriptionForm):
    is_active = forms.BooleanField(label=_("Active: events are sent"), required=False)
