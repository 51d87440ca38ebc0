"""From an event to signed posts: one delivery per event and subscription, each sent once at a time, retried.

The domains' announcements (tuki.webhooks.receivers) reach :func:`deliveries_create` in the worker, which makes a
delivery for every active subscription that wants the event and may hear of the object. :func:`delivery_send`
claims a due delivery with a conditional UPDATE (two workers never send the same one at once), posts it outside
any transaction, and records the attempt: delivered, or due again after the next wait of :data:`BACKOFF`, or
failed for good once the waits (about 18 hours of them) are used up. A subscription whose deliveries keep failing
is turned off, and its owner told (:data:`tuki.webhooks.signals.subscription_disabled`).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from tuki.webhooks import sender
from tuki.webhooks.addresses import RefusedAddress, check_url
from tuki.webhooks.models import Attempt, Delivery, DeliveryState, Subscription
from tuki.webhooks.signals import subscription_disabled
from tuki.webhooks.signing import headers

logger = logging.getLogger(__name__)

# The wait after the 1st, 2nd, ... failed attempt; after the last, the delivery has failed.
BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
# A subscription is turned off when this many deliveries in a row failed for good, or when it has failed without
# a success in between for a day.
FAILED_DELIVERIES_BEFORE_DISABLING = 3
FAILING_FOR_BEFORE_DISABLING = timedelta(days=1)
# A claim older than this belongs to a worker that died while sending (a send takes at most ten seconds).
STALE_CLAIM = timedelta(minutes=2)


def subscriptions_for(organisation_id: int, event_type: str) -> list[Subscription]:
    """The active subscriptions that want ``event_type`` about an object of the organisation: its own, and the
    supplier's. Filtered here rather than in SQL: there are few, and SQLite cannot search inside JSON lists."""
    candidates = Subscription.objects.filter(Q(organisation=None) | Q(organisation=organisation_id), is_active=True)
    return [subscription for subscription in candidates if event_type in subscription.event_types]


def deliveries_create(*, organisation_id: int, event_type: str, source: str, body: str, now: datetime) -> list[int]:
    """A delivery of ``body`` to each subscription that wants it; none twice for the same ``source``."""
    made: list[int] = []
    for subscription in subscriptions_for(organisation_id, event_type):
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    subscription=subscription,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    event_type=event_type,
                    source=source,
                    body=body,
                    next_attempt_at=now,
                    created_at=now,
                )
        except IntegrityError:  # announced again: it has its delivery already
            continue
        made.append(delivery.pk)
    return made


def due_deliveries(now: datetime) -> list[int]:
    due = Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return list(Delivery.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:500])


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    active = Subscription.objects.filter(is_active=True).values("pk")
    claimed = Delivery.objects.filter(due, pk=delivery_id, subscription__in=active)
    return claimed.update(state=DeliveryState.SENDING, claimed_at=now) == 1


def delivery_send(delivery_id: int, *, now: datetime) -> bool | None:
    """Post the delivery if it is due and nobody else is sending it: True if it arrived, False if this attempt
    failed, None if there was nothing to do."""
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    # Checked again now: the name may resolve elsewhere than when the subscription was saved, and the post goes
    # to the address checked here.
    try:
        target = check_url(subscription.url, settings.TUKI_WEBHOOK_ALLOWED_HOSTS)
    except RefusedAddress as error:
        outcome = sender.Outcome(status=None, duration_ms=0, error=f"refused:{error.code}"[:32])
    else:
        signed = headers(subscription.secret, delivery.message_id, int(now.timestamp()), delivery.body)
        outcome = sender.post(target, delivery.body.encode(), signed)
    _record(delivery, outcome, now)
    return outcome.ok


@transaction.atomic
def _record(delivery: Delivery, outcome: sender.Outcome, now: datetime) -> None:
    subscription = Subscription.objects.select_for_update().filter(pk=delivery.subscription_id).first()
    if subscription is None:  # removed by its owner while this attempt was on its way
        return
    Attempt.objects.create(
        delivery=delivery,
        subscription=subscription,
        attempted_at=now,
        status_code=outcome.status,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
        response_excerpt=outcome.excerpt[:1000],
    )
    delivery.attempts += 1
    if outcome.ok:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.DELIVERED, now, None
        subscription.failed_deliveries, subscription.failing_since = 0, None
    else:
        subscription.failing_since = subscription.failing_since or now
        if delivery.attempts <= len(BACKOFF):
            delivery.state, delivery.next_attempt_at = DeliveryState.PENDING, now + BACKOFF[delivery.attempts - 1]
        else:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            subscription.failed_deliveries += 1
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "delivered_at"])
    reason = ""
    if subscription.failed_deliveries >= FAILED_DELIVERIES_BEFORE_DISABLING:
        reason = "failures"
    elif subscription.failing_since and now - subscription.failing_since >= FAILING_FOR_BEFORE_DISABLING:
        reason = "failing_for_a_day"
    if reason and subscription.is_active:
        _disable(subscription, reason, now)
    subscription.save()


def _disable(subscription: Subscription, reason: str, now: datetime) -> None:
    subscription.is_active = False
    subscription.disabled_reason = reason
    subscription.disabled_at = now
    # What was still waiting would arrive late and out of turn if the owner turned it back on: dropped.
    subscription.deliveries.filter(state=DeliveryState.PENDING).update(state=DeliveryState.FAILED)
    announce = partial(
        subscription_disabled.send_robust,
        sender=Subscription,
        subscription_id=subscription.pk,
        owner_id=subscription.owner_id,
        organisation_id=subscription.organisation_id,
        url=subscription.url,
        reason=reason,
    )
    transaction.on_commit(announce)
    logger.warning("Webhook subscription %s turned off: %s", subscription.pk, reason)
