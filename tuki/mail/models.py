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
    ``claimed_by`` is the job that claimed it: the same job run again (a retry, or put back on the queue after its
    consumer died) knows the claim is its own and sends at once.
    """

    event = models.ForeignKey("tickets.TicketEvent", on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message_id = models.CharField(_("message ID"), max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="mail_notification_once")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message_id


class InboundStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted: a new request")
    REPLIED = "replied", _("Accepted: a reply to a request")
    REFUSED = "refused", _("Refused: not a named contact")
    IGNORED = "ignored", _("Ignored: automatic mail")
    QUARANTINED = "quarantined", _("Quarantined: could not be processed")
    OVERSIZED = "oversized", _("Oversized")
    UNVERIFIED = "unverified", _("Quarantined: sender not verified")
    REJECTED = "rejected", _("Rejected by the support staff")


# Only these hold their exactly-once key: their sender is authenticated, so nobody else can take the key first.
CLAIMING_STATUSES = (InboundStatus.ACCEPTED, InboundStatus.REPLIED)


class InboundSource(models.TextChoices):
    IMAP = "imap", _("IMAP mailbox")
    PIPE = "pipe", _("Mail server pipe")


class AnswerState(models.TextChoices):
    NONE = "", _("No answer needed")
    QUEUED = "queued", _("Answer queued")
    SENT = "sent", _("Answer sent")
    LIMITED = "limited", _("Not answered: too many answers to this sender")
    SUPPRESSED = "suppressed", _("Not answered: automatic or own mail")


class InboundMessage(models.Model):
    """One mail that came in, whatever became of it: the intake's record and its exactly-once claim.

    ``key`` is the authenticated sender with the Message-ID (or, for mail without one, the parser's
    fingerprint); it is unique, so the same mail delivered twice, or fetched by two pollers at once, is filed
    once. Only mail that was filed holds its key (see ``CLAIMING_STATUSES``): a stranger's refused or
    unverified mail keeps none, so that it cannot take the key of a real mail that comes later. Such mail is
    recognised when delivered again by its ``fingerprint``, a hash of all its bytes, which nobody can make
    another message share. The raw message
    is kept whole through the storage API, so that nothing that came in is ever lost: agents can read, download, retry
    (quarantined) and turn refused mail into a request.
    """

    key = models.CharField(_("key"), max_length=255, unique=True, null=True, blank=True)
    message_id = models.CharField(_("message ID"), max_length=998, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=128, blank=True, db_index=True)
    raw = models.FileField(_("raw message"), upload_to="mail/inbound/%Y/%m/", max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    source = models.CharField(_("source"), max_length=8, choices=InboundSource.choices)
    status = models.CharField(_("status"), max_length=16, choices=InboundStatus.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("support request"),
    )
    event = models.ForeignKey(
        "tickets.TicketEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("event"),
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    answer = models.CharField(_("automatic answer"), max_length=12, choices=AnswerState.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The desk's list: one status, newest first.
            models.Index(fields=["status", "received_at"], name="mail_inbound_status_received"),
            models.Index(fields=["received_at"], name="mail_inbound_received"),
        ]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")

    def __str__(self) -> str:
        return f"{self.sender} {self.subject}"
