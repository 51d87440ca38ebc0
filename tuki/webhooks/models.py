"""Webhook subscriptions, one delivery per event and subscription, and the log of every attempt."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Organisation, User


class EventType(models.TextChoices):
    REQUEST_CREATED = "request.created", _("Request created")
    REQUEST_REPLIED = "request.replied", _("Request replied to")
    REQUEST_STATE_CHANGED = "request.state_changed", _("Request state changed")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACH = "sla.breach", _("SLA breach")
    CHANGE_SCHEDULED = "change.scheduled", _("Change scheduled")
    CHANGE_IMPLEMENTED = "change.implemented", _("Change implemented")
    REPORT_READY = "report.ready", _("Monthly report ready")


class Subscription(models.Model):
    """Where to post which events: an organisation's own (its customer manager made it, and it hears of that
    organisation's objects only) or the supplier's (``organisation`` empty; staff managers; every customer's)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
        verbose_name=_("customer"),
    )
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(_("events"), default=list)
    # Kept as it is: each message is signed with it. Shown to the owner once, when it is made.
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Why the worker turned it off ("" while on, or when its owner did): see tuki.webhooks.services.
    disabled_reason = models.CharField(max_length=32, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The failures in a row: deliveries that used up all their retries, and when the first failed attempt was.
    failed_deliveries = models.PositiveIntegerField(default=0, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[Subscription], user: User) -> QuerySet[Subscription]:
        # The organisation's integrations are its customer manager's to see and change; other contacts see none.
        return queryset if user.contact.is_customer_manager else queryset.none()

    def event_type_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(name, name)) for name in self.event_types]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event for one subscription: the message as signed (the same id and body on every retry)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=32)
    # What the event was, e.g. "ticket_event:42": one delivery per event and subscription, however often announced.
    source = models.CharField(max_length=64)
    body = models.TextField()
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    VISIBLE_WITH: ClassVar[str] = "subscription"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "source"], name="webhook_delivery_once_per_event"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"


class Attempt(models.Model):
    """One try at posting a delivery: what came back and how long it took. Kept for the owner to read."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    # Denormalised so that the owner's page reads a subscription's latest attempts from one index.
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=32, blank=True)
    response_excerpt = models.TextField(blank=True)

    VISIBLE_WITH: ClassVar[str] = "subscription"

    class Meta:
        ordering = ["-attempted_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-attempted_at"], name="webhook_attempt_latest")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
