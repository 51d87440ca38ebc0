"""What Tuki has mailed: one row per event and recipient, written before the mail goes out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One notification mail about one request event to one person.

    The row is the claim: it is created (unique per event and recipient) before sending, so a retried job or a
    second worker never mails the same person twice about the same event. ``sent_at`` stays empty while the
    mail is on its way; the mail intake finds the request and the person a reply answers by ``message_id``.
    """

    event = models.ForeignKey("tickets.TicketEvent", on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message_id = models.CharField(_("message ID"), max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="mail_notification_once")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message_id
