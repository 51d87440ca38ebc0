"""The owners' pages: the customer manager's in the portal, the service managers' in the desk; nobody else's."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.webhooks.conftest import Receiver, subscribe
from tuki.accounts.models import Contact, User
from tuki.accounts.services import contact_create
from tuki.webhooks.delivery import deliveries_create, delivery_send
from tuki.webhooks.models import Subscription


@pytest.fixture
def berit(agreement_b: Any) -> User:
    """The customer manager of org B."""
    return contact_create(
        organisation=agreement_b.organisation, email="berit@org-b.example", full_name="Berit", customer_manager=True
    ).user


@pytest.fixture
def allowed(settings: Any) -> None:
    settings.TUKI_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


def test_a_customer_manager_makes_a_webhook_and_sees_its_secret_once(client: Any, anna: User, allowed: None) -> None:
    client.force_login(anna)
    assert client.get("/portal/integrations/").status_code == 200
    response = client.post(
        "/portal/integrations/",
        {"url": "http://127.0.0.1:9/hooks", "event_types": ["request.created", "request.replied"]},
    )
    subscription = Subscription.objects.get()
    assert subscription.organisation == anna.contact.organisation and subscription.owner == anna
    assert subscription.event_types == ["request.created", "request.replied"]
    assert subscription.secret in response.content.decode() and response["Cache-Control"] == "no-store"
    assert subscription.secret not in client.get("/portal/integrations/").content.decode()
    detail = client.get(f"/portal/integrations/{subscription.pk}/").content.decode()
    assert subscription.secret not in detail
    assert 'value="http://127.0.0.1:9/hooks"' in detail and "errorlist" not in detail  # the form as saved


def test_a_refused_address_is_told_and_nothing_is_made(client: Any, anna: User) -> None:
    client.force_login(anna)
    response = client.post(
        "/portal/integrations/", {"url": "https://169.254.169.254/latest", "event_types": ["request.created"]}
    )
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_other_contacts_find_no_webhook_pages(client: Any, anna: User, aaro: Contact, allowed: None) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, "http://127.0.0.1:9/hooks")
    client.force_login(aaro.user)  # of the same organisation, but not its customer manager
    assert client.get("/portal/integrations/").status_code == 404
    assert client.get(f"/portal/integrations/{subscription.pk}/").status_code == 404


def test_another_organisation_cannot_see_or_change_a_webhook(
    client: Any, anna: User, berit: User, allowed: None
) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, "http://127.0.0.1:9/hooks")
    client.force_login(berit)
    assert subscription.url not in client.get("/portal/integrations/").content.decode()
    assert client.get(f"/portal/integrations/{subscription.pk}/").status_code == 404
    for action in ("save", "rotate", "delete"):
        data = {"action": action, "url": "http://127.0.0.1:9/mine", "event_types": ["request.created"]}
        assert client.post(f"/portal/integrations/{subscription.pk}/", data).status_code == 404
    after = Subscription.objects.get()
    assert (after.url, after.secret) == (subscription.url, subscription.secret)


def test_the_owner_changes_turns_off_rotates_and_removes(client: Any, anna: User, allowed: None) -> None:
    subscription, secret = subscribe(anna, anna.contact.organisation, "http://127.0.0.1:9/hooks")
    client.force_login(anna)
    page = f"/portal/integrations/{subscription.pk}/"
    client.post(page, {"action": "save", "url": "http://127.0.0.1:9/other", "event_types": ["sla.breach"]})
    subscription.refresh_from_db()
    assert (subscription.url, subscription.event_types, subscription.is_active) == (
        "http://127.0.0.1:9/other",
        ["sla.breach"],
        False,
    )
    response = client.post(page, {"action": "rotate"})
    subscription.refresh_from_db()
    assert subscription.secret != secret and subscription.secret in response.content.decode()
    assert client.post(page, {"action": "delete"}).status_code == 302
    assert not Subscription.objects.exists()


def test_the_delivery_log_shows_status_and_time(client: Any, anna: User, receiver: Receiver) -> None:
    subscription, _ = subscribe(anna, anna.contact.organisation, receiver.url())
    receiver.answers = [500]
    now = timezone.now()
    [delivery_id] = deliveries_create(
        organisation_id=subscription.organisation_id, event_type="request.created", source="t:1", body="{}", now=now
    )
    assert delivery_send(delivery_id, now=now) is False
    client.force_login(anna)
    page = client.get(f"/portal/integrations/{subscription.pk}/").content.decode()
    assert "500" in page and " ms" in page and "request.created" in page


def test_service_managers_keep_the_suppliers_webhooks(
    client: Any, manager: User, agent: User, anna: User, allowed: None
) -> None:
    customers, _ = subscribe(anna, anna.contact.organisation, "http://127.0.0.1:9/hooks")
    client.force_login(agent)
    assert client.get("/desk/integrations/").status_code == 404
    client.force_login(manager)
    response = client.post("/desk/integrations/", {"url": "http://127.0.0.1:9/all", "event_types": ["sla.breach"]})
    supplier = Subscription.objects.get(organisation=None)
    assert supplier.owner == manager and supplier.secret in response.content.decode()
    listing = client.get("/desk/integrations/").content.decode()
    assert "http://127.0.0.1:9/all" in listing and "http://127.0.0.1:9/hooks" not in listing
    assert client.get(f"/desk/integrations/{supplier.pk}/").status_code == 200
    assert client.get(f"/desk/integrations/{customers.pk}/").status_code == 404
