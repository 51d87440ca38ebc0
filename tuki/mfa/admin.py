"""Managers see who has which authenticator and can remove a lost one; nobody sees a secret.

django-otp's own admin for authenticator apps shows each secret key and its QR code: any manager could copy
a colleague's authenticator. It is replaced here by a list without them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuki.accounts.auth import acting_user
from tuki.mfa.models import WebAuthnDevice
from tuki.mfa.services import authenticator_revoke

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name", "name"]
    fields = ["user", "name", "confirmed", "created_at"]
    readonly_fields = ["user", "name", "confirmed", "created_at"]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Device) -> None:
        authenticator_revoke(actor=acting_user(request), device=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for device in queryset:
            self.delete_model(request, device)


admin.site.register(TOTPDevice, AuthenticatorAdmin)
admin.site.register(WebAuthnDevice, AuthenticatorAdmin)
