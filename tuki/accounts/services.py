"""Writes for organisations, business units, contacts and staff. Views, commands and the admin call these."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import BusinessUnit, Contact, Organisation, Role, User


@transaction.atomic
def organisation_create(*, name: str, business_id: str = "") -> Organisation:
    organisation = Organisation(name=name, business_id=business_id)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def business_unit_create(*, organisation: Organisation, name: str, cost_centre: str = "") -> BusinessUnit:
    unit = BusinessUnit(organisation=organisation, name=name, cost_centre=cost_centre)
    unit.full_clean()
    unit.save()
    return unit


def _user_create(*, email: str, full_name: str, role: str, language: str, password: str | None) -> User:
    user = User(email=User.objects.normalize_email(email).lower(), full_name=full_name, role=role, language=language)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def staff_create(
    *, email: str, full_name: str, manager: bool = False, language: str = "fi", password: str | None = None
) -> User:
    role = Role.MANAGER if manager else Role.AGENT
    return _user_create(email=email, full_name=full_name, role=role, language=language, password=password)


@transaction.atomic
def contact_create(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    business_unit: BusinessUnit | None = None,
    customer_manager: bool = False,
    phone: str = "",
    job_title: str = "",
    language: str = "fi",
    password: str | None = None,
) -> Contact:
    if business_unit is not None and business_unit.organisation_id != organisation.pk:
        raise ValidationError({"business_unit": _("The business unit belongs to another customer.")})
    user = _user_create(email=email, full_name=full_name, role=Role.CONTACT, language=language, password=password)
    contact = Contact(
        user=user,
        organisation=organisation,
        business_unit=business_unit,
        is_customer_manager=customer_manager,
        phone=phone,
        job_title=job_title,
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_deactivate(*, contact: Contact) -> Contact:
    """Stop a contact from logging in or filing requests; everything they did stays in the history."""
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk, deactivated_at__isnull=True).update(deactivated_at=now)
    User.objects.filter(pk=contact.user_id).update(is_active=False)
    contact.refresh_from_db()
    contact.user.refresh_from_db()
    return contact


@transaction.atomic
def contact_reactivate(*, contact: Contact) -> Contact:
    Contact.objects.filter(pk=contact.pk).update(deactivated_at=None)
    User.objects.filter(pk=contact.user_id).update(is_active=True)
    contact.refresh_from_db()
    contact.user.refresh_from_db()
    return contact


def user_set_language(*, user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


@transaction.atomic
def user_update_preferences(*, actor: User, user: User, language: str, on_duty: bool, sla_digest: bool) -> User:
    """A staff member's own settings: the language, and how SLA warnings reach them."""
    return _user_update_own(actor=actor, user=user, language=language, on_duty=on_duty, sla_digest=sla_digest)


@transaction.atomic
def user_update_profile(*, actor: User, user: User, full_name: str, language: str, mail_notifications: bool) -> User:
    """A contact's own settings: the name others see, the language, and whether mail about requests comes."""
    return _user_update_own(
        actor=actor, user=user, full_name=full_name.strip(), language=language, mail_notifications=mail_notifications
    )


def _user_update_own(*, actor: User, user: User, **changes: object) -> User:
    if actor.pk != user.pk:
        raise PermissionDenied(_("You may change only your own settings."))
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean()
    user.save(update_fields=list(changes))
    return user


def user_lockout_lift(*, user: User) -> int:
    """Forget the user's failed logins from every address, which lifts any lockout; how many were forgotten."""
    forgotten: int = axes_reset(username=user.email)
    return forgotten
