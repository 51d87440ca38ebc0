"""Writes on webhook subscriptions: made, changed and removed by their owners.

An organisation's subscription is its customer manager's; the supplier's own (for every customer) are the service
managers'. The URL is checked when it is saved (and again before every delivery, tuki.webhooks.delivery): https,
or http to a host the supplier allows, and never to a private, loopback or link-local address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.models import Organisation, User
from tuki.webhooks.addresses import RefusedAddress, check_url
from tuki.webhooks.models import EventType, Subscription
from tuki.webhooks.signing import generate_secret


def url_refusal(error: RefusedAddress) -> str:
    """What to tell the person who typed the URL."""
    messages = {
        "malformed": _("Enter a full address starting with https://."),
        "credentials": _("Leave the user name and password out of the address."),
        "insecure": _("The address must start with https://."),
        "unresolvable": _("The address's host name could not be found."),
    }
    return messages.get(
        error.code,
        _("The address leads to a private, local or reserved network address; webhooks are not sent there."),
    )


def _checked_url(url: str) -> str:
    url = url.strip()
    try:
        check_url(url, settings.TUKI_WEBHOOK_ALLOWED_HOSTS)
    except RefusedAddress as error:
        raise ValidationError({"url": url_refusal(error)}) from None
    return url


def _checked_event_types(event_types: Iterable[str]) -> list[str]:
    chosen = [name for name in EventType.values if name in set(event_types)]
    if not chosen or len(chosen) != len(set(event_types)):
        raise ValidationError({"event_types": _("Choose at least one event.")})
    return chosen


def may_manage(actor: User, organisation_id: int | None) -> bool:
    """The organisation's customer manager for its subscriptions; a service manager for the supplier's."""
    if organisation_id is None:
        return actor.is_manager
    contact = getattr(actor, "contact", None)
    return bool(
        actor.is_active
        and contact is not None
        and contact.deactivated_at is None
        and contact.is_customer_manager
        and contact.organisation_id == organisation_id
    )


def _check(actor: User, organisation_id: int | None) -> None:
    if not may_manage(actor, organisation_id):
        raise PermissionDenied(_("You may not manage these webhooks."))


@transaction.atomic
def subscription_create(
    *,
    actor: User,
    organisation: Organisation | None,
    url: str,
    event_types: Iterable[str],
    now: datetime | None = None,
) -> tuple[Subscription, str]:
    """A new subscription, and its secret (shown to the owner this once)."""
    _check(actor, organisation.pk if organisation else None)
    subscription = Subscription(
        organisation=organisation,
        owner=actor,
        url=_checked_url(url),
        event_types=_checked_event_types(event_types),
        secret=generate_secret(),
        created_at=now or timezone.now(),
    )
    subscription.full_clean()
    subscription.save()
    return subscription, subscription.secret


@transaction.atomic
def subscription_update(
    *, actor: User, subscription: Subscription, url: str, event_types: Iterable[str], is_active: bool
) -> Subscription:
    """Change the address or events, or turn it on or off. Turned on again, it starts with a clean record."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    _check(actor, subscription.organisation_id)
    subscription.url = _checked_url(url)
    subscription.event_types = _checked_event_types(event_types)
    if is_active and not subscription.is_active:
        subscription.failed_deliveries = 0
        subscription.failing_since = None
        subscription.disabled_reason = ""
        subscription.disabled_at = None
    subscription.is_active = is_active
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def subscription_rotate_secret(*, actor: User, subscription: Subscription) -> str:
    """A new secret in place of the old, which stops signing at once; returned to be shown once."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    _check(actor, subscription.organisation_id)
    subscription.secret = generate_secret()
    subscription.save(update_fields=["secret"])
    return subscription.secret


@transaction.atomic
def subscription_delete(*, actor: User, subscription: Subscription) -> None:
    _check(actor, subscription.organisation_id)
    subscription.delete()
