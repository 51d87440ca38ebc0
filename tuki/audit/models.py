"""The audit log: who signed in, failed or was locked out, and who changed access, agreements or took data out.

An entry keeps a short text of who acted and what was concerned, written when it happened, so that the log
still reads well after a user is renamed or an object is gone. Rows are only ever added, like a request's
history.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.core.append_only import AppendOnly, AppendOnlyQuerySet


class Action(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    ROLE_CHANGED = "role_changed", _("Role changed")
    CUSTOMER_MANAGER_CHANGED = "customer_manager_changed", _("Customer manager status changed")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REACTIVATED = "reactivated", _("Account reactivated")
    EXPORTED = "exported", _("Data exported")
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("Attachment downloaded")
    AGREEMENT_CREATED = "agreement_created", _("Agreement created")
    AGREEMENT_CHANGED = "agreement_changed", _("Agreement changed")
    AUTHENTICATOR_ADDED = "authenticator_added", _("Authenticator added")
    AUTHENTICATOR_REMOVED = "authenticator_removed", _("Authenticator removed")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Recovery codes renewed")
    SECOND_STEP_FAILED = "second_step_failed", _("Failed second step")
    PERIOD_CLOSED = "period_closed", _("Quota period closed")
    ADDITIONAL_WORK_OVERRIDDEN = "additional_work_overridden", _("Additional work logged without an approved estimate")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")


class AuditEntry(AppendOnly):
    """One thing that happened. Rows are only ever added."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("user")
    )
    # The actor's email at the time, or for a failed login the identifier that was tried (never the password).
    identifier = models.CharField(_("identifier"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    APPEND_ONLY: ClassVar[str] = "The audit log is append-only."

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_for_organisation(cls, queryset: QuerySet[AuditEntry], organisation_id: int) -> QuerySet[AuditEntry]:
        # The log is the supplier's own: no customer's contact sees any of it.
        return queryset.none()
