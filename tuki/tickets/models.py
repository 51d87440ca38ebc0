"""The support request: identifier, lifecycle state, SLA deadlines, pauses and its append-only history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Contact, Organisation, User
from tuki.agreements.models import Agreement, ContactVisibility, Priority
from tuki.core.append_only import AppendOnly, AppendOnlyQuerySet


class State(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting_for_customer", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    SERVICE_REQUEST = "service_request", _("Service request")
    QUESTION = "question", _("Question")
    CHANGE_REQUEST = "change_request", _("Change request")
    DEVELOPMENT_REQUEST = "development_request", _("Development request")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    API = "api", _("API")


OPEN_STATES = (State.NEW, State.IN_PROGRESS, State.WAITING, State.REOPENED)
# The SLA clocks do not run in these states: waiting for the customer, or resolved (until reopened).
PAUSING_STATES = {State.WAITING: "waiting", State.RESOLVED: "resolved"}


class TicketManager(models.Manager["Ticket"]):
    def get_queryset(self) -> QuerySet[Ticket]:
        # The search terms are for the database's search only, and they grow with every message: never loaded.
        return super().get_queryset().defer("search_vector")


class Ticket(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("customer"),
        db_index=False,  # ticket_organisation_created leads with it
    )
    requester = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("requester")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("agreement")
    )
    cc_contacts = models.ManyToManyField(Contact, blank=True, related_name="cc_tickets", verbose_name=_("copies to"))
    environment = models.ForeignKey(
        "environments.Environment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("environment"),
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("business unit"),
    )
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices, default=Kind.INCIDENT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.NEW)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When the customer's latest message not yet read by an agent arrived; NULL once an agent opens the request's
    # page or answers it. On the row, so that every queue shows it and counts it without reading the history.
    unread_message_at = models.DateTimeField(_("new message from the customer"), null=True, blank=True, editable=False)
    # The terms of subject, description, names and every message, weighted (tuki.tickets.search). PostgreSQL
    # only: SQLite keeps them in an FTS5 table, and this column stays empty there.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    # NULL, not "", where there is no key: the unique constraint below ignores NULLs.
    submission_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    # The customer's own desk's ticket number, for requests escalated from it: unique per customer (NULL where none,
    # which the constraint ignores), so a retried escalation finds the request it made instead of making another.
    external_reference = models.CharField(  # noqa: DJ001
        _("external reference"), max_length=100, null=True, blank=True
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged", verbose_name=_("merged into")
    )

    # Deadlines are stored so queues sort and the sweep claims by index; see tuki.tickets.deadlines.
    first_response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set once by the sweep's conditional update, so a notification goes out exactly once per deadline.
    first_response_warned = models.BooleanField(default=False, editable=False)
    first_response_breached = models.BooleanField(default=False, editable=False)
    resolution_warned = models.BooleanField(default=False, editable=False)
    resolution_breached = models.BooleanField(default=False, editable=False)

    objects = TicketManager()

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The desk's default queue: open requests, nearest resolution deadline first.
            models.Index(
                fields=["resolution_due", "created_at"],
                condition=Q(state__in=["new", "in_progress", "waiting_for_customer", "reopened"]),
                name="ticket_open_by_due",
            ),
            # No index of its own for each deadline: the SLA sweep looks at open requests only, which the state
            # indexes find; an index over every request's deadline would mostly hold closed ones.
            # The default queue's page picked from an index alone where the partial index above is not used
            # (SQLite does not match it against bound parameters); bench/desk.py measures it.
            models.Index(fields=["state", "resolution_due", "created_at"], name="ticket_state_due_created"),
            # The queue tabs' counts (unassigned, mine, unread, at risk) from an index alone.
            models.Index(
                fields=[
                    "state",
                    "assignee",
                    "unread_message_at",
                    "resolution_warn_at",
                    "first_response_warn_at",
                    "first_responded_at",
                ],
                name="ticket_state_assignee_unread",
            ),
            # The "new message" tab's page: the few requests with an unread customer message, in any order.
            models.Index(
                fields=["resolution_due", "created_at"],
                condition=Q(unread_message_at__isnull=False),
                name="ticket_unread_by_due",
            ),
            # One customer's requests, newest or oldest first (the desk's customer filter).
            models.Index(fields=["organisation", "created_at"], name="ticket_organisation_created"),
        ]
        constraints = [
            # A form submitted twice makes one request. The key is the requester's own: someone else's key (copied
            # from a page, or guessed) is no clash and shows nothing of theirs.
            models.UniqueConstraint(fields=["requester", "submission_key"], name="ticket_submission_key_unique"),
            models.UniqueConstraint(
                fields=["organisation", "external_reference"], name="ticket_external_reference_unique"
            ),
        ]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")

    def __str__(self) -> str:
        return f"{self.identifier} {self.subject}"

    @property
    def identifier(self) -> str:
        return f"{settings.TUKI_REQUEST_PREFIX}-{self.pk}"

    @property
    def merged_into_identifier(self) -> str:
        """The identifier of the request this one was merged into ("" if none), without loading that request."""
        return f"{settings.TUKI_REQUEST_PREFIX}-{self.merged_into_id}" if self.merged_into_id else ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @staticmethod
    def sees_all_of_customer(user: User) -> bool:
        """Whether ``user`` sees every request of their customer without asking the agreement: the supplier's staff
        (all customers') and customer managers. A contact the agreement lets see all is not known without a query:
        False, and the caller narrows with :func:`~tuki.core.scoping.visible_to` as usual."""
        if getattr(user, "is_supplier_staff", False):
            return True
        contact = getattr(user, "contact", None)
        return contact is not None and contact.is_customer_manager and contact.deactivated_at is None

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[Ticket], user: User) -> QuerySet[Ticket]:
        """The agreement decides whether a contact sees all of the customer's requests or only those that are
        theirs: filed by them, for their business unit, or copied to them. Customer managers see all."""
        if cls.sees_all_of_customer(user):
            return queryset
        contact = user.contact
        governing = Agreement.objects.governing(contact.organisation_id, timezone.localdate())
        narrow = Agreement.objects.filter(pk__in=governing.values("pk"), contact_visibility=ContactVisibility.OWN)
        copied = cls.cc_contacts.through.objects.filter(contact_id=contact.pk).values("ticket_id")
        theirs = Q(requester_id=contact.pk) | Q(pk__in=copied)
        if contact.business_unit_id is not None:
            theirs |= Q(business_unit_id=contact.business_unit_id)
        # One statement: the agreement is read by the database with the requests, not in a query of its own.
        return queryset.filter(theirs | ~Exists(narrow))


class SlaPause(models.Model):
    """A period in which the request's SLA clocks stood still."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=16, default="waiting")

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.reason} {self.started_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSITION = "transition", _("State changed")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    PHONE = "phone", _("Phone call")
    ASSIGNMENT = "assignment", _("Assigned")
    FIELD_CHANGE = "field_change", _("Field changed")
    MERGE = "merge", _("Merged")
    SLA = "sla", _("SLA")


TICKET_HISTORY = "The history of a request is append-only."


class TicketEvent(AppendOnly):
    """One entry of a request's history. Rows are only ever added."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    public = models.BooleanField(default=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    APPEND_ONLY: ClassVar[str] = TICKET_HISTORY
    VISIBLE_WITH: ClassVar[str] = "ticket"  # seen by whoever sees the request, and no one else

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[TicketEvent], user: User) -> QuerySet[TicketEvent]:
        return queryset.filter(public=True)


class Attachment(models.Model):
    """A file on a reply or note. Served only as a download, only to those who may see the request."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(TicketEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    APPEND_ONLY: ClassVar[str] = TICKET_HISTORY
    VISIBLE_WITH: ClassVar[str] = "ticket"  # seen by whoever sees the request, and no one else

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[Attachment], user: User) -> QuerySet[Attachment]:
        return queryset.filter(event__public=True)
