from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tuki.accounts.models import BusinessUnit, Contact, Organisation, User
from tuki.accounts.services import contact_deactivate, contact_reactivate

admin.site.site_header = _("Tuki administration")
admin.site.site_title = _("Tuki")


class BusinessUnitInline(admin.TabularInline):
    model = BusinessUnit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "business_id", "is_active"]
    search_fields = ["name", "business_id"]
    inlines = [BusinessUnitInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "business_unit", "is_customer_manager", "deactivated_at"]
    list_filter = ["organisation", "is_customer_manager"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    actions = ["deactivate", "reactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # contacts are deactivated, never deleted: their history must stay

    @admin.action(description=_("Deactivate the selected contacts"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        for contact in queryset:
            contact_deactivate(contact=contact)
        count = queryset.count()
        self.message_user(
            request, ngettext("%d contact deactivated.", "%d contacts deactivated.", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("Reactivate the selected contacts"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        for contact in queryset:
            contact_reactivate(contact=contact)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "language", "is_active", "last_login"]
    list_filter = ["role", "is_active", "language"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "role", "language", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
