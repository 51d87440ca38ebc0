"""Environments in the admin are for looking only: every edit goes through the services, which write the history.

The staff edit environments on the desk's environment page; an admin form would save the model directly and leave
no event behind.
"""

from django.contrib import admin
from django.http import HttpRequest

from tuki.environments.models import Environment


@admin.register(Environment)
class EnvironmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "lifecycle"]
    list_filter = ["organisation", "kind", "lifecycle"]
    search_fields = ["name", "organisation__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
