"""Writes for organisations, business units, contacts and staff. Views, commands and the admin call these."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import BusinessUnit, Contact, Organisation, Role, User
from tuki.audit.changes import changed_fields
from tuki.audit.models import Action
from tuki.audit.services import audit_record


@transaction.atomic
def organisation_create(*, name: str, business_id: str = "", account_manager: User | None = None) -> Organisation:
    if account_manager is not None and not account_manager.is_supplier_staff:
        raise ValidationError({"account_manager": _("The account manager must be one of the supplier's staff.")})
    organisation = Organisation(name=name, business_id=business_id, account_manager=account_manager)
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
def contact_deactivate(*, contact: Contact, actor: User | None = None, address: str = "") -> Contact:
    """Stop a contact from logging in or filing requests; everything they did stays in the history."""
    now = timezone.now()
    changed = Contact.objects.filter(pk=contact.pk, deactivated_at__isnull=True).update(deactivated_at=now)
    User.objects.filter(pk=contact.user_id).update(is_active=False)
    contact.refresh_from_db()
    contact.user.refresh_from_db()
    if changed:
        audit_record(action=Action.DEACTIVATED, actor=actor, target=contact.user, address=address)
    return contact


@transaction.atomic
def contact_reactivate(*, contact: Contact, actor: User | None = None, address: str = "") -> Contact:
    changed = Contact.objects.filter(pk=contact.pk, deactivated_at__isnull=False).update(deactivated_at=None)
    User.objects.filter(pk=contact.user_id).update(is_active=True)
    contact.refresh_from_db()
    contact.user.refresh_from_db()
    if changed:
        audit_record(action=Action.REACTIVATED, actor=actor, target=contact.user, address=address)
    return contact


@transaction.atomic
def contact_set_customer_manager(
    *, actor: User | None, contact: Contact, customer_manager: bool, address: str = ""
) -> Contact:
    """Whether the contact approves additional costs and receives the monthly report; a change is audited."""
    before = Contact.objects.select_for_update().values_list("is_customer_manager", flat=True).get(pk=contact.pk)
    contact.is_customer_manager = customer_manager
    if before != customer_manager:
        Contact.objects.filter(pk=contact.pk).update(is_customer_manager=customer_manager)
        changes = changed_fields({"is_customer_manager": before}, {"is_customer_manager": customer_manager})
        audit_record(
            action=Action.CUSTOMER_MANAGER_CHANGED,
            actor=actor,
            target=contact.user,
            address=address,
            details={"changes": changes},
        )
    return contact


@transaction.atomic
def user_set_access(*, actor: User | None, user: User, role: str, is_active: bool, address: str = "") -> User:
    """A user's role and whether they may log in. Each change is one entry in the audit log."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    before = User.objects.select_for_update().values("role", "is_active").get(pk=user.pk)
    User.objects.filter(pk=user.pk).update(role=role, is_active=is_active)
    user.role, user.is_active = role, is_active
    changes = changed_fields(before, {"role": role, "is_active": is_active})
    if "role" in changes:
        details = {"changes": {"role": changes["role"]}}
        audit_record(action=Action.ROLE_CHANGED, actor=actor, target=user, address=address, details=details)
    if "is_active" in changes:
        action = Action.REACTIVATED if is_active else Action.DEACTIVATED
        audit_record(action=action, actor=actor, target=user, address=address)
    return user


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
