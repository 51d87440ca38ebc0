"""Customer environments: what the supplier built and supports (e.g. "Intranet, production"), their components
and the append-only history of both."""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Contact, Organisation, User
from tuki.core.append_only import AppendOnly, AppendOnlyQuerySet


class EnvironmentKind(models.TextChoices):
    PRODUCTION = "production", _("Production")
    TEST = "test", _("Test")
    DEVELOPMENT = "development", _("Development")
    OTHER = "other", _("Other")


class Lifecycle(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_BUILD = "in_build", _("In build")
    IN_PRODUCTION = "in_production", _("In production")
    RETIRED = "retired", _("Retired")


# The date field that records when an environment reached each lifecycle step.
LIFECYCLE_DATES = {
    Lifecycle.PLANNED: "planned_on",
    Lifecycle.IN_BUILD: "build_started_on",
    Lifecycle.IN_PRODUCTION: "in_production_on",
    Lifecycle.RETIRED: "retired_on",
}


def validate_version(value: str) -> None:
    """A version is shown on pages and in feeds: a control character (a newline, an escape) would break them."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(_("A version may not contain control characters."), code="control_characters")


def validate_address(value: str) -> None:
    """An address is one URL or host name: whitespace or a control character would make it a different one."""
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            _("An address is a URL or a host name, without spaces or control characters."), code="address"
        )


class Environment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="environments", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EnvironmentKind.choices, default=EnvironmentKind.OTHER)
    lifecycle = models.CharField(
        _("lifecycle state"), max_length=16, choices=Lifecycle.choices, default=Lifecycle.IN_PRODUCTION
    )
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    build_started_on = models.DateField(_("build started on"), null=True, blank=True)
    in_production_on = models.DateField(_("in production since"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    # A string reference: agreements sit above environments (an agreement lists the environments it covers).
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    # The supplier's own: never shown to the customer's contacts.
    internal_notes = models.TextField(_("internal notes"), blank=True)
    # Secrets are never stored here: at most where they are kept (a vault's path, say).
    secrets_location = models.CharField(_("where the secrets are kept"), max_length=300, blank=True)
    # Whom to call about it: the customer's own technical people, and the supplier's.
    customer_contacts = models.ManyToManyField(
        Contact, blank=True, related_name="technical_environments", verbose_name=_("customer's technical contacts")
    )
    supplier_contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="technical_environments",
        verbose_name=_("supplier's technical contacts"),
    )

    ORGANISATION_PATH: ClassVar[str] = "organisation"
    # Fields whose values and history only the supplier's staff see.
    INTERNAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"internal_notes", "secrets_location"})

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="environment_unique_name")]
        verbose_name = _("environment")
        verbose_name_plural = _("environments")

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.lifecycle == Lifecycle.RETIRED


class ComponentKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    DATABASE = "database", _("Database")
    INTEGRATION = "integration", _("Integration")
    HOSTING = "hosting", _("Hosting")


class Component(models.Model):
    """A part of an environment whose version the supplier keeps track of."""

    environment = models.ForeignKey(
        Environment, on_delete=models.PROTECT, related_name="components", verbose_name=_("environment")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ComponentKind.choices)
    version = models.CharField(_("version"), max_length=100, blank=True, validators=[validate_version])
    # A component taken out of use stays, with its history, for "what ran then"; it takes no more changes.
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    VISIBLE_WITH: ClassVar[str] = "environment"

    class Meta:
        ordering = ["retired_on", "name"]
        constraints = [models.UniqueConstraint(fields=["environment", "name"], name="component_unique_name")]
        verbose_name = _("component")
        verbose_name_plural = _("components")

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class Address(models.Model):
    """Where the environment is reached: a URL or a host name, with a label ("Public site", "Admin")."""

    environment = models.ForeignKey(
        Environment, on_delete=models.PROTECT, related_name="addresses", verbose_name=_("environment")
    )
    label = models.CharField(_("label"), max_length=100)
    address = models.CharField(_("address"), max_length=300, validators=[validate_address])

    VISIBLE_WITH: ClassVar[str] = "environment"

    class Meta:
        ordering = ["label", "pk"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.label}: {self.address}"


class EnvironmentEvent(AppendOnly):
    """One field change of an environment or of one of its components: who, when, before and after."""

    environment = models.ForeignKey(Environment, on_delete=models.PROTECT, related_name="events")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    field = models.CharField(max_length=40)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    # Internal fields' history is the supplier's, like the fields themselves.
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    VISIBLE_WITH: ClassVar[str] = "environment"

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["component", "field", "created_at"], name="envevent_component_field")]

    def __str__(self) -> str:
        return f"{self.field} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        """What changed, as the reader calls it."""
        if self.field in EVENT_LABELS:
            return str(EVENT_LABELS[self.field])
        model = Component if self.component_id else Environment
        return str(getattr(model._meta.get_field(self.field), "verbose_name", self.field))

    @property
    def shown_before(self) -> str:
        return self._shown(self.before)

    @property
    def shown_after(self) -> str:
        return self._shown(self.after)

    def _shown(self, value: str) -> str:
        """A stored value as the reader reads it: a choice by its label, the rest as it is."""
        choices = COMPONENT_CHOICES if self.component_id else ENVIRONMENT_CHOICES
        labels = choices.get(self.field)
        return str(labels.get(value, value)) if labels else value

    @classmethod
    def scope_for_contact(cls, queryset: QuerySet[EnvironmentEvent], user: User) -> QuerySet[EnvironmentEvent]:
        return queryset.filter(internal=False)


EVENT_LABELS = {"created": _("Environment recorded"), "address": _("Address")}
ENVIRONMENT_CHOICES = {"kind": dict(EnvironmentKind.choices), "lifecycle": dict(Lifecycle.choices)}
COMPONENT_CHOICES = {"kind": dict(ComponentKind.choices)}
