"""Change records: what was changed in a customer's environments, when, by whom and why; and their history."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Contact, Organisation, User
from tuki.core.append_only import AppendOnly, AppendOnlyQuerySet
from tuki.environments.models import Component, Environment, validate_version
from tuki.tickets.models import Ticket


class ChangeKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class ChangeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    IMPLEMENTED = "implemented", _("Implemented")
    VERIFIED = "verified", _("Verified")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined")


class Change(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="changes", verbose_name=_("customer")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices, default=ChangeKind.NORMAL)
    state = models.CharField(_("state"), max_length=16, choices=ChangeState.choices, default=ChangeState.DRAFT)
    environments = models.ManyToManyField(Environment, related_name="changes", verbose_name=_("environments"))
    tickets = models.ManyToManyField(Ticket, blank=True, related_name="changes", verbose_name=_("requests"))
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    # The planned window's length, kept by save() and indexed: the longest one bounds how far before a month the
    # change calendar looks for windows that reach into it (tuki.changes.schedule).
    planned_length = models.DurationField(null=True, blank=True, editable=False)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    implementer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implemented_changes",
        verbose_name=_("implementer"),
    )
    risk = models.TextField(_("risk"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    rollback_plan = models.TextField(_("rollback plan"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The customer's word: approval of a normal change, acknowledgement of an emergency one after the fact.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # The window start the customer was last reminded of, a day ahead: the reminder job's claim. A change moved
    # to another window is reminded of again.
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "planned_start"], name="change_organisation_window"),
            # The change calendar and the reminder job read every customer's windows by time.
            models.Index(fields=["planned_start"], name="change_window_start"),
            models.Index(fields=["planned_length"], name="change_window_length"),
            # Windows without an end reach into every month after they start: the calendar reads them apart.
            models.Index(
                fields=["planned_start"],
                condition=models.Q(planned_end__isnull=True),
                name="change_open_window_start",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gte=models.F("planned_start")),
                name="change_window_in_order",
            )
        ]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        has_window = self.planned_start is not None and self.planned_end is not None
        self.planned_length = self.planned_end - self.planned_start if has_window else None  # type: ignore[operator]
        fields = kwargs.get("update_fields")
        if fields is not None and {"planned_start", "planned_end"} & set(fields):
            kwargs["update_fields"] = [*fields, "planned_length"]
        super().save(*args, **kwargs)

    @property
    def identifier(self) -> str:
        return self.identifier_of(self.pk)

    @staticmethod
    def identifier_of(pk: int) -> str:
        return f"{settings.TUKI_CHANGE_PREFIX}-{pk}"

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[Change], user: User) -> QuerySet[Change]:
        # A draft is the supplier's working copy; the customer sees a change once it is put to them.
        return queryset.exclude(state=ChangeState.DRAFT)


def field_label(name: str) -> str:
    """A change's field by its name, as the reader calls it."""
    return str(getattr(Change._meta.get_field(name), "verbose_name", name))


class ChangeComponent(models.Model):
    """A component the change touches, with its version before and the one the change puts in place."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="touched")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="changes")
    version_before = models.CharField(_("version before"), max_length=100, blank=True, validators=[validate_version])
    version_after = models.CharField(_("version after"), max_length=100, validators=[validate_version])

    VISIBLE_WITH: ClassVar[str] = "change"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "component"], name="change_component_once")]

    def __str__(self) -> str:
        return f"{self.component.name}: {self.version_before} → {self.version_after}"


class ChangeEvent(AppendOnly):
    """One entry of a change's history: created, a move, a field change, the customer's word."""

    change = models.ForeignKey(Change, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    VISIBLE_WITH: ClassVar[str] = "change"

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))

    @property
    def move(self) -> tuple[str, str] | None:
        """The labels of the states a transition went from and to."""
        if self.kind != "transition":
            return None
        return str(ChangeState(self.data["from"]).label), str(ChangeState(self.data["to"]).label)

    @property
    def field_label(self) -> str:
        """The name of the field a "field" event changed, in the reader's language."""
        if self.kind != "field":
            return ""
        return field_label(self.data["field"])


EVENT_LABELS = {
    "created": _("Recorded"),
    "transition": _("State changed"),
    "acknowledged": _("Acknowledged by the customer"),
    "field": _("Field changed"),
}


class CalendarLink(models.Model):
    """A contact's secret link to the calendar feed of their organisation's changes.

    The link carries a random token; only its SHA-256 digest is stored, found by the token's first characters
    (``prefix``). So a copy of the database (a backup, a replica) opens no feed, and nothing hangs on the
    SECRET_KEY: rotating it breaks no subscription, and knowing it mints no link. Revoking deletes the row, a new
    link replaces the digest: the old link stops working at that moment. The price is that the link is shown only
    when it is made; whoever lost it makes a new one.
    """

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="calendar_link")
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    ORGANISATION_PATH: ClassVar[str] = "contact__organisation"

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.contact_id})"

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[CalendarLink], user: User) -> QuerySet[CalendarLink]:
        # Each contact's own link: a colleague's is as secret as a password.
        return queryset.filter(contact__user=user)
