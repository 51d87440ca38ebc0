from django import forms

from tuki.accounts.models import User


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language", "on_duty", "sla_digest"]
