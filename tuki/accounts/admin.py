from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tuki.accounts.auth import acting_user
from tuki.accounts.models import BusinessUnit, Contact, Organisation, Role, User
from tuki.accounts.services import contact_deactivate, contact_reactivate, contact_set_customer_manager, user_set_access
from tuki.core.client_address import client_address

admin.site.site_header = _("Tuki administration")
admin.site.site_title = _("Tuki")


class BusinessUnitInline(admin.TabularInline):
    model = BusinessUnit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "business_id", "account_manager", "is_active"]
    search_fields = ["name", "business_id"]
    inlines = [BusinessUnitInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "business_unit", "is_customer_manager", "deactivated_at"]
    list_filter = ["organisation", "is_customer_manager"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    # Deactivation goes through the actions below, so that the service ends the login too and audits it.
    readonly_fields = ["deactivated_at"]
    actions = ["deactivate", "reactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # contacts are deactivated, never deleted: their history must stay

    def save_model(self, request: HttpRequest, obj: Contact, form: Any, change: bool) -> None:
        # The flag is written by its service, which audits it; the rest of the form is saved as it is.
        customer_manager = obj.is_customer_manager
        if change:
            obj.is_customer_manager = Contact.objects.values_list("is_customer_manager", flat=True).get(pk=obj.pk)
        else:
            obj.is_customer_manager = False
        super().save_model(request, obj, form, change)
        contact_set_customer_manager(
            actor=acting_user(request),
            contact=obj,
            customer_manager=customer_manager,
            address=client_address(request),
        )

    @admin.action(description=_("Deactivate the selected contacts"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        for contact in queryset:
            contact_deactivate(contact=contact, actor=acting_user(request), address=client_address(request))
        count = queryset.count()
        self.message_user(
            request, ngettext("%d contact deactivated.", "%d contacts deactivated.", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("Reactivate the selected contacts"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        for contact in queryset:
            contact_reactivate(contact=contact, actor=acting_user(request), address=client_address(request))


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "language", "is_active", "last_login"]
    list_filter = ["role", "is_active", "language"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "role", "language", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The role and the right to log in are written by their service, which audits them; a new user starts
        # from the model's defaults (an active contact), so that creating an agent or a manager is recorded too.
        role, is_active = obj.role, obj.is_active
        if change:
            obj.role, obj.is_active = User.objects.values_list("role", "is_active").get(pk=obj.pk)
        else:
            obj.role, obj.is_active = Role.CONTACT, True
        super().save_model(request, obj, form, change)
        user_set_access(
            actor=acting_user(request), user=obj, role=role, is_active=is_active, address=client_address(request)
        )
