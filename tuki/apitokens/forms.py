"""The form that makes an API token, shared by the portal's and the desk's settings pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy

from tuki.apitokens.models import Scope

EXPIRY_CHOICES = [
    ("30", gettext_lazy("In 30 days")),
    ("90", gettext_lazy("In 90 days")),
    ("365", gettext_lazy("In a year")),
    ("", gettext_lazy("Never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses the token, such as “ServiceNow escalation”."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Rights"), choices=Scope.choices, initial=Scope.READ)
    expires = forms.ChoiceField(label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False)

    def expires_at(self, now: datetime) -> datetime | None:
        days = self.cleaned_data.get("expires") or ""
        return now + timedelta(days=int(days)) if days else None
