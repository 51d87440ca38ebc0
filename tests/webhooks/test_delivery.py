"""Deliveries end to end: a real HTTP server on this machine receives the signed messages of real events."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.changes.windows import scheduled
from tests.reports.months import at
from tests.webhooks.conftest import Receiver, subscribe
from tests.workers import run_in_workers
from tuki.accounts.models import User
from tuki.accounts.services import contact_create
from tuki.environments.services import environment_create
from tuki.reports.services import report_make
from tuki.sla.tasks import sla_sweep
from tuki.tickets.models import State
from tuki.tickets.services import ticket_create, ticket_note, ticket_reply, ticket_transition
from tuki.webhooks.delivery import deliveries_create, delivery_send
from tuki.webhooks.models import Attempt, Delivery, DeliveryState
from tuki.webhooks.services import subscription_create, subscription_update
from tuki.webhooks.signing import verify

HKI = ZoneInfo("Europe/Helsinki")
INTERNAL = ("unread_message_at", "search_vector", "submission_key", "assignee", "first_response_warned")


@pytest.mark.django_db(transaction=True)
def test_a_reply_and_a_resolution_arrive_signed(anna: User, agent: User, agreement_a: Any, receiver: Receiver) -> None:
    subscription, secret = subscribe(anna, anna.contact.organisation, receiver.url())
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Printing fails", priority=3)
    ticket_note(actor=agent, ticket=ticket, body="Internal: the customer's server is out of disk")
    ticket_reply(actor=agent, ticket=ticket, body="We are looking into it.")
    ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED)

    assert receiver.types() == ["request.created", "request.replied", "request.state_changed"]
    for item in receiver.received:
        verify(secret, item.headers, item.body, now=int(time.time()))
        assert item.path == "/hooks/tuki"
        assert "out of disk" not in item.body
        assert not any(name in item.body for name in INTERNAL)
        assert item.message["data"]["request"]["id"] == ticket.identifier
    created, replied, resolved = (item.message["data"] for item in receiver.received)
    assert replied["message"]["body"] == "We are looking into it." and replied["message"]["from_supplier"]
    assert (resolved["from"], resolved["to"], resolved["request"]["state"]) == ("new", "resolved", "resolved")
    assert len({item.headers["webhook-id"] for item in receiver.received}) == 3
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    assert [attempt.status_code for attempt in Attempt.objects.filter(subscription=subscription)] == [200] * 3


@pytest.mark.django_db(transaction=True)
def test_an_organisation_hears_only_of_its_own(
    anna: User, manager: User, agreement_a: Any, agreement_b: Any, receiver: Receiver
) -> None:
    berit = contact_create(
        organisation=agreement_b.organisation, email="berit@org-b.example", full_name="Berit", customer_manager=True
    ).user
    subscribe(anna, anna.contact.organisation, receiver.url("/a"))
    subscribe(berit, berit.contact.organisation, receiver.url("/b"))
    subscribe(manager, None, receiver.url("/supplier"))
    ticket_create(actor=anna, requester=anna.contact, subject="A's fault", priority=3)
    ticket_create(actor=berit, requester=berit.contact, subject="B's fault", priority=3)
    heard = sorted((item.path, item.message["data"]["request"]["subject"]) for item in receiver.received)
    assert heard == [("/a", "A's fault"), ("/b", "B's fault"), ("/supplier", "A's fault"), ("/supplier", "B's fault")]


@pytest.mark.django_db(transaction=True)
def test_sla_warnings_and_breaches_are_sent(anna: User, agent: User, agreement_a: Any, receiver: Receiver) -> None:
    subscribe(anna, anna.contact.organisation, receiver.url(), ["sla.warning", "sla.breach"])
    start = datetime(2027, 12, 7, 8, tzinfo=HKI)
    ticket_create(actor=anna, requester=anna.contact, subject="Down", priority=2, now=start)
    assert sla_sweep(start + timedelta(hours=9)) == 4
    heard = sorted((item.message["type"], item.message["data"]["clock"]) for item in receiver.received)
    assert heard == [
        ("sla.breach", "first_response"),
        ("sla.breach", "resolution"),
        ("sla.warning", "first_response"),
        ("sla.warning", "resolution"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_change_is_sent_without_internal_details(anna: User, agent: User, receiver: Receiver) -> None:
    subscribe(anna, anna.contact.organisation, receiver.url(), ["change.scheduled", "change.implemented"])
    production = environment_create(
        actor=agent,
        organisation=anna.contact.organisation,
        name="Intranet, production",
        internal_notes="Ask Pekka before restarting",
        secrets_location="vault:/org-a/intranet",
    )
    change = scheduled(agent, production)
    [item] = receiver.received
    assert item.message["type"] == "change.scheduled"
    assert item.message["data"]["change"]["id"] == change.identifier
    assert item.message["data"]["change"]["environments"] == ["Intranet, production"]
    assert "Pekka" not in item.body and "vault" not in item.body


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_a_delivery_once(anna: User, receiver: Receiver) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, receiver.url())
    now = datetime.now(tz=HKI)
    [delivery_id] = deliveries_create(
        organisation_id=subscription.organisation_id, event_type="request.created", source="t:1", body="{}", now=now
    )
    results, failures = run_in_workers(lambda: int(delivery_send(delivery_id, now=now) is not None), workers=4)
    assert not failures and sorted(results) == [0, 0, 0, 1]
    assert len(receiver.received) == 1 and Attempt.objects.count() == 1
    # Announced again, the same event makes no second delivery.
    assert (
        deliveries_create(
            organisation_id=subscription.organisation_id, event_type="request.created", source="t:1", body="{}", now=now
        )
        == []
    )


@pytest.mark.django_db(transaction=True)
def test_the_address_is_checked_again_before_sending(
    anna: User, agreement_a: Any, receiver: Receiver, settings: Any
) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, receiver.url())
    settings.TUKI_WEBHOOK_ALLOWED_HOSTS = []  # the supplier no longer allows it
    ticket_create(actor=anna, requester=anna.contact, subject="Printing fails", priority=3)
    assert not receiver.received
    [attempt] = Attempt.objects.filter(subscription=subscription)
    assert attempt.status_code is None and attempt.error == "refused:insecure"


@pytest.mark.django_db(transaction=True)
def test_a_redirect_is_not_followed(anna: User, agreement_a: Any, receiver: Receiver) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, receiver.url())
    receiver.answers = [302]
    ticket_create(actor=anna, requester=anna.contact, subject="Printing fails", priority=3)
    [attempt] = Attempt.objects.filter(subscription=subscription)
    assert attempt.status_code == 302 and len(receiver.received) == 1
    assert Delivery.objects.get().state == DeliveryState.PENDING  # to be tried again


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/hook", "https://localhost/hook", "https://169.254.169.254/", "http://example.com/"]
)
def test_a_subscription_to_a_refused_address_is_not_made(anna: User, url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        subscription_create(
            actor=anna, organisation=anna.contact.organisation, url=url, event_types=["request.created"]
        )
    assert "url" in refused.value.message_dict


def test_a_monthly_report_is_announced_to_its_customer_only(
    anna: User,
    bertil: User,
    agreement_a: Any,
    agreement_b: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(anna, anna.contact.organisation, receiver.url(), ["report.ready"])
    made = at(date(2026, 11, 1), 6)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_make(organisation=anna.contact.organisation, month=date(2026, 10, 1), now=made)
        report_make(organisation=bertil.contact.organisation, month=date(2026, 10, 1), now=made)
    [item] = receiver.received
    assert item.message["type"] == "report.ready"
    assert item.message["data"]["report"]["organisation"]["id"] == anna.contact.organisation_id
    assert item.message["data"]["report"]["url"].endswith(f"/portal/reports/2026-10/?version={report.version}")


@pytest.mark.django_db(transaction=True)
def test_events_follow_a_subscription_turned_off_and_on_and_cost_no_query_without_one(
    anna: User, agreement_a: Any, receiver: Receiver
) -> None:
    def file(subject: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            ticket_create(actor=anna, requester=anna.contact, subject=subject, priority=3)
        return sum("webhooks_subscription" in query["sql"] for query in captured.captured_queries)

    file("Before any subscription")
    assert file("Still none") == 0  # each process keeps the answer until a subscription changes
    subscription, _secret = subscribe(anna, anna.contact.organisation, receiver.url())
    file("Heard")
    events = list(subscription.event_types)
    subscription_update(actor=anna, subscription=subscription, url=receiver.url(), event_types=events, is_active=False)
    file("Not heard")
    subscription_update(actor=anna, subscription=subscription, url=receiver.url(), event_types=events, is_active=True)
    file("Heard again")
    assert [item.message["data"]["request"]["subject"] for item in receiver.received] == ["Heard", "Heard again"]
