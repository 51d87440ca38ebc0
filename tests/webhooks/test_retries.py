"""Retries with backoff, and turning off a subscription that keeps failing, with a mail to its owner."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from tests.webhooks.conftest import Receiver, subscribe
from tuki.accounts.models import User
from tuki.tickets.services import ticket_create
from tuki.webhooks.delivery import BACKOFF
from tuki.webhooks.models import Attempt, Delivery, DeliveryState, Subscription
from tuki.webhooks.services import subscription_update
from tuki.webhooks.signing import verify
from tuki.webhooks.tasks import deliveries_retry

START = datetime(2027, 3, 2, 9, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_a_failed_delivery_is_retried_after_its_wait(anna: User, agreement_a: Any, receiver: Receiver) -> None:
    subscription, secret = subscribe(anna, anna.contact.organisation, receiver.url(), ["request.created"])
    receiver.answers = [500, 503]
    with time_machine.travel(START, tick=False) as traveller:
        ticket_create(actor=anna, requester=anna.contact, subject="Printing fails", priority=3)
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.PENDING and delivery.next_attempt_at == START + timedelta(seconds=5)
        traveller.shift(timedelta(seconds=4))
        assert deliveries_retry(datetime.now(tz=UTC)) == 0  # not yet
        traveller.shift(timedelta(seconds=1))
        assert deliveries_retry(datetime.now(tz=UTC)) == 1
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == START + timedelta(seconds=5) + timedelta(minutes=5)
        traveller.shift(timedelta(minutes=5))
        assert deliveries_retry(datetime.now(tz=UTC)) == 1
        last = receiver.received[-1]
        verify(secret, last.headers, last.body, now=int(time.time()))
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3
    log = list(Attempt.objects.filter(subscription=subscription).order_by("attempted_at"))
    assert [attempt.status_code for attempt in log] == [500, 503, 200]
    assert len(log[0].response_excerpt) <= 1000  # the server's long error page, cut short
    # The same message each time: one id, one body; a receiver can tell a retry from a new event.
    assert len({item.headers["webhook-id"] for item in receiver.received}) == 1
    assert len({item.body for item in receiver.received}) == 1
    subscription.refresh_from_db()
    assert subscription.failing_since is None and subscription.is_active


def _fail_through_every_retry(traveller: Any) -> None:
    for wait in BACKOFF:
        traveller.shift(wait)
        deliveries_retry(datetime.now(tz=UTC))


@pytest.mark.django_db(transaction=True)
def test_three_deliveries_failing_for_good_turn_it_off(anna: User, agreement_a: Any, receiver: Receiver) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, receiver.url(), ["request.created"])
    receiver.answers = [500] * 100
    mail.outbox.clear()
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(3):
            ticket_create(actor=anna, requester=anna.contact, subject=f"Fault {n}", priority=3)
        _fail_through_every_retry(traveller)
    assert len(receiver.received) == 3 * (1 + len(BACKOFF))
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_reason == "failures"
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.FAILED}
    [notice] = [message for message in mail.outbox if "Webhook" in message.subject or "webhook" in message.body]
    assert notice.to == [anna.email]
    assert receiver.url() in notice.body and "/portal/integrations/" in notice.body
    # Off means off: a new event is not sent to it.
    ticket_create(actor=anna, requester=anna.contact, subject="Another", priority=3)
    assert len(receiver.received) == 3 * (1 + len(BACKOFF))


@pytest.mark.django_db(transaction=True)
def test_a_day_of_failures_turns_it_off_and_its_owner_turns_it_on(
    anna: User, agreement_a: Any, receiver: Receiver
) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, receiver.url(), ["request.created"])
    receiver.answers = [500] * 100
    mail.outbox.clear()
    with time_machine.travel(START, tick=False) as traveller:
        ticket_create(actor=anna, requester=anna.contact, subject="Fault", priority=3)
        _fail_through_every_retry(traveller)  # about 18 hours
        subscription.refresh_from_db()
        assert subscription.is_active and subscription.failed_deliveries == 1
        traveller.move_to(START + timedelta(days=1, minutes=1))
        ticket_create(actor=anna, requester=anna.contact, subject="Fault again", priority=3)
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_reason == "failing_for_a_day"
    assert [message.to for message in mail.outbox if "/portal/integrations/" in message.body] == [[anna.email]]

    subscription_update(
        actor=anna, subscription=subscription, url=subscription.url, event_types=["request.created"], is_active=True
    )
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.failed_deliveries == 0 and subscription.failing_since is None
    receiver.answers = []
    ticket_create(actor=anna, requester=anna.contact, subject="Working again", priority=3)
    assert receiver.received[-1].message["data"]["request"]["subject"] == "Working again"
    assert Subscription.objects.get().is_active
