from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    FIRST_RESPONSE_WARNING = "first_response_warning", _("Response time at 75 %")
    FIRST_RESPONSE_BREACH = "first_response_breach", _("Response time exceeded")
    RESOLUTION_WARNING = "resolution_warning", _("Resolution time at 75 %")
    RESOLUTION_BREACH = "resolution_breach", _("Resolution time exceeded")


class SlaNotice(models.Model):
    """A warning or breach for one person about one request; sent at once or gathered into a digest."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_notices")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_notices")
    due = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["recipient", "sent_at"], name="sla_notice_unsent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.ticket_id} -> {self.recipient_id}"
