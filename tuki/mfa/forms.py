from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SecurityKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=64,
        required=False,
        help_text=_("For telling your keys apart, for example “YubiKey on my key ring”."),
    )
    # The browser's answer (PublicKeyCredential.toJSON()), filled in by tuki/js/webauthn.js.
    credential = forms.CharField(widget=forms.HiddenInput, max_length=20_000)
