"""Who takes part: customer organisations, their business units and named contacts, and the supplier's staff.

Everyone who logs in is a :class:`User`. The role says which face of Tuki they use: agents and managers
(the supplier's staff) use the desk; contacts (a customer's named contact persons) use the portal and
always belong to exactly one organisation through their :class:`Contact` record.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A customer: the ordering party of a support and maintenance agreement."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    business_id = models.CharField(_("business ID"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_accounts",
        limit_choices_to={"role__in": ["agent", "manager"], "is_active": True},
        verbose_name=_("account manager"),
        help_text=_("The supplier's staff member responsible for this customer; hears of its quota use."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    ORGANISATION_PATH: ClassVar[str] = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer organisation")
        verbose_name_plural = _("customer organisations")

    def __str__(self) -> str:
        return self.name


class BusinessUnit(models.Model):
    """A part of a customer that costs are split by."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="business_units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    cost_centre = models.CharField(_("cost centre"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="business_unit_unique_name"),
        ]
        verbose_name = _("business unit")
        verbose_name_plural = _("business units")

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.name}"


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Service manager")
    CONTACT = "contact", _("Named contact person")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("role", Role.MANAGER)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Identified by email address."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fi")
    is_active = models.BooleanField(_("active"), default=True)
    on_duty = models.BooleanField(
        _("on duty"),
        default=True,
        help_text=_(
            "Staff on duty hear of new requests, customers' replies and SLA warnings while nobody is assigned."
        ),
    )
    mail_notifications = models.BooleanField(
        _("mail about my support requests"),
        default=True,
        help_text=_("Replies and state changes of the requests you filed or are copied on."),
    )
    sla_digest = models.BooleanField(
        _("SLA warnings as a digest"), default=False, help_text=_("One mail an hour instead of one per warning.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_supplier_staff(self) -> bool:
        """Agents and managers: the people who see every customer's requests."""
        return self.is_active and self.role in (Role.AGENT, Role.MANAGER)

    @property
    def is_manager(self) -> bool:
        return self.is_active and self.role == Role.MANAGER

    @property
    def is_staff(self) -> bool:
        """Django admin access: the supplier's managers only."""
        return self.is_manager

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        # Managers configure everything through the admin; nobody else gets model permissions.
        return self.is_manager or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_manager or super().has_module_perms(app_label)


class Contact(models.Model):
    """A customer's named contact person: the only customer people who deal with the supplier."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contact", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organisation")
    )
    business_unit = models.ForeignKey(
        BusinessUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("business unit"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    is_customer_manager = models.BooleanField(
        _("customer manager"),
        default=False,
        help_text=_("Approves additional costs and receives the monthly report."),
    )
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    ORGANISATION_PATH: ClassVar[str] = "organisation"

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        verbose_name = _("named contact person")
        verbose_name_plural = _("named contact persons")

    def __str__(self) -> str:
        return f"{self.user.full_name} ({self.organisation.name})"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None and self.user.is_active
