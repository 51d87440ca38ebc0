"""The staff and environment lists a desk page shows are kept per process, and never outlive a change."""

from typing import Any

from django.contrib.auth.models import update_last_login
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuki.accounts.selectors import customer_choices, staff_choices
from tuki.accounts.services import staff_create
from tuki.environments.models import Environment
from tuki.environments.selectors import environment_choices


def test_the_staff_list_is_read_once_and_follows_every_change(agent: Any, manager: Any) -> None:
    assert (agent.pk, agent.full_name) in staff_choices()
    with CaptureQueriesContext(connection) as queries:
        staff_choices()
    assert not queries.captured_queries

    newcomer = staff_create(email="uusi@tuki.example", full_name="Uusi Tukihenkilö")
    assert (newcomer.pk, "Uusi Tukihenkilö") in staff_choices()
    newcomer.full_name = "Uusi Nimi"
    newcomer.save()
    assert (newcomer.pk, "Uusi Nimi") in staff_choices()
    newcomer.is_active = False
    newcomer.save(update_fields=["is_active"])
    assert newcomer.pk not in dict(staff_choices())


def test_logging_in_does_not_throw_the_staff_list_away(agent: Any) -> None:
    staff_choices()
    update_last_login(None, agent)  # what logging in saves
    with CaptureQueriesContext(connection) as queries:
        staff_choices()
    assert not queries.captured_queries


def test_a_customers_environments_follow_every_change(org_a: Any, org_b: Any) -> None:
    assert environment_choices(org_a.pk) == []
    production = Environment.objects.create(organisation=org_a, name="Tuotanto")
    Environment.objects.create(organisation=org_b, name="B:n testi")
    assert environment_choices(org_a.pk) == [(production.pk, "Tuotanto")]
    with CaptureQueriesContext(connection) as queries:
        environment_choices(org_a.pk)
    assert not queries.captured_queries
    production.delete()
    assert environment_choices(org_a.pk) == []


def test_the_customer_list_follows_every_change(org_a: Any, org_b: Any) -> None:
    assert [(org_a.pk, org_a.name), (org_b.pk, org_b.name)] == [
        pair for pair in customer_choices() if pair[0] in (org_a.pk, org_b.pk)
    ]
    with CaptureQueriesContext(connection) as queries:
        customer_choices()
    assert not queries.captured_queries
    org_b.name = "Aaa Oy"
    org_b.save()
    assert customer_choices()[0] == (org_b.pk, "Aaa Oy")
    org_b.is_active = False
    org_b.save()
    assert org_b.pk not in dict(customer_choices())
    assert (org_b.pk, "Aaa Oy") in customer_choices(active_only=False)
