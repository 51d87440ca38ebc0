"""Editing environments, their addresses, contacts and components: every field change is an event with who, when,
before and after; no edit path (service or admin) leaves none; bad input is refused with its own message."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.test import Client

from tuki.accounts.models import Contact, Organisation, User
from tuki.agreements.models import Agreement
from tuki.environments import services
from tuki.environments.models import Address, Component, ComponentKind, Environment, EnvironmentEvent, Lifecycle
from tuki.environments.selectors import versions_at
from tuki.environments.services import (
    CONTACT_FIELDS,
    EDITABLE_FIELDS,
    address_add,
    address_remove,
    address_update,
    component_add,
    component_retire,
    component_update,
    environment_create,
    environment_update,
)

NOW = datetime(2026, 4, 1, 9, tzinfo=UTC)
# Fields that no edit sets: who owns the environment, and what the lifecycle step dates in EDITABLE_FIELDS derive.
NOT_EDITED = {"id", "organisation"}


@pytest.fixture
def environment(agent: User, org_a: Organisation) -> Environment:
    return environment_create(
        actor=agent,
        organisation=org_a,
        name="Intranet",
        lifecycle=Lifecycle.PLANNED,
        now=datetime(2026, 1, 2, tzinfo=UTC),
    )


def _new_values(agent: User, anna: User, agreement: Agreement) -> dict[str, Any]:
    return {
        "name": "Intranet 2",
        "description": "The staff's intranet",
        "kind": "production",
        "agreement": agreement,
        "internal_notes": "Restart with care",
        "secrets_location": "vault:/org-a/intranet",
        "planned_on": date(2026, 1, 1),
        "build_started_on": date(2026, 2, 1),
        "in_production_on": date(2026, 3, 1),
        "retired_on": date(2026, 3, 31),
        "lifecycle": Lifecycle.IN_BUILD,
        "customer_contacts": [anna.contact],
        "supplier_contacts": [agent],
    }


def test_every_editable_field_and_the_lifecycle_leave_an_event(
    agent: User, anna: User, agreement_a: Agreement, environment: Environment
) -> None:
    values = _new_values(agent, anna, agreement_a)
    assert set(values) == EDITABLE_FIELDS | CONTACT_FIELDS | {"lifecycle"}
    for field, value in values.items():
        before = EnvironmentEvent.objects.count()
        environment = environment_update(actor=agent, environment=environment, now=NOW, **{field: value})
        event = EnvironmentEvent.objects.filter(field=field).last()
        assert EnvironmentEvent.objects.count() > before, field
        assert event is not None and (event.actor, event.created_at) == (agent, NOW), field
        assert event.after and event.before != event.after, field
    assert EnvironmentEvent.objects.get(field="customer_contacts").after == "Anna Asiakas"
    assert EnvironmentEvent.objects.get(field="secrets_location").internal


def test_no_field_of_the_models_escapes_the_services() -> None:
    """A new field of an environment or a component must be edited through a service that writes its history."""
    concrete = {field.name for field in Environment._meta.get_fields() if isinstance(field, models.Field)}
    assert concrete - NOT_EDITED == EDITABLE_FIELDS | CONTACT_FIELDS | {"lifecycle"}
    component = {field.name for field in Component._meta.get_fields() if isinstance(field, models.Field)}
    assert component - {"id", "environment"} == services.COMPONENT_FIELDS | {"retired_on"}
    address = {field.name for field in Address._meta.get_fields() if isinstance(field, models.Field)}
    assert address - {"id", "environment"} == {"label", "address"}


def _calls(agent: User, environment: Environment) -> dict[str, Callable[[], Any]]:
    app = Component.objects.create(environment=environment, name="App", kind="application", version="1")
    address = Address.objects.create(environment=environment, label="Site", address="https://intra.example")
    return {
        "environment_create": lambda: environment_create(
            actor=agent, organisation=environment.organisation, name="Test"
        ),
        "environment_update": lambda: environment_update(actor=agent, environment=environment, name="Renamed"),
        "address_add": lambda: address_add(actor=agent, environment=environment, label="Admin", address="admin.ex"),
        "address_update": lambda: address_update(actor=agent, address=address, label="Site", value="https://b.ex"),
        "address_remove": lambda: address_remove(actor=agent, address=address),
        "component_add": lambda: component_add(actor=agent, environment=environment, name="DB", kind="database"),
        "component_update": lambda: component_update(actor=agent, component=app, version="2"),
        "component_set_version": lambda: services.component_set_version(actor=agent, component=app, version="3"),
        "component_retire": lambda: component_retire(actor=agent, component=app),
    }


def test_every_write_of_the_service_module_leaves_an_event(agent: User, environment: Environment) -> None:
    calls = _calls(agent, environment)
    writes = {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    }
    assert writes == set(calls), "a new write needs a row here, and an event"
    for name, call in calls.items():
        before = EnvironmentEvent.objects.count()
        call()
        assert EnvironmentEvent.objects.count() == before + 1, name


def test_the_admin_cannot_edit_environments(client: Client, manager: User, environment: Environment) -> None:
    client.force_login(manager)
    url = f"/admin/environments/environment/{environment.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    client.post(url, {"name": "Changed in the admin", "organisation": environment.organisation_id})
    assert client.get("/admin/environments/environment/add/").status_code == 403
    environment.refresh_from_db()
    assert environment.name == "Intranet"


def test_addresses_and_their_history(agent: User, environment: Environment) -> None:
    address = address_add(actor=agent, environment=environment, label="Public site", address=" https://intra.example ")
    assert address.address == "https://intra.example"
    address_update(actor=agent, address=address, label="Public site", value="https://intranet.example")
    address_remove(actor=agent, address=address)
    assert not Address.objects.exists()
    history = list(EnvironmentEvent.objects.filter(field="address").values_list("before", "after"))
    assert history == [
        ("", "Public site: https://intra.example"),
        ("Public site: https://intra.example", "Public site: https://intranet.example"),
        ("Public site: https://intranet.example", ""),
    ]


@pytest.mark.parametrize("bad", ["https://intra.example/\nX-Injected: 1", "intra example", "a\x1bb"])
def test_an_address_with_whitespace_or_control_characters_is_refused(
    agent: User, environment: Environment, bad: str
) -> None:
    with pytest.raises(ValidationError, match="without spaces or control characters"):
        address_add(actor=agent, environment=environment, label="Site", address=bad)
    assert not Address.objects.exists()


def test_components_are_edited_and_retired_with_history(agent: User, environment: Environment) -> None:
    app = component_add(actor=agent, environment=environment, name="App", kind="application", version="1.0", now=NOW)
    component_update(
        actor=agent, component=app, name="Intranet app", kind=ComponentKind.INTEGRATION, version="1.1", now=NOW
    )
    fields = list(EnvironmentEvent.objects.filter(component=app).values_list("field", "before", "after"))
    assert ("name", "App", "Intranet app") in fields and ("version", "1.0", "1.1") in fields
    assert ("kind", "application", "integration") in fields
    retire_at = datetime(2026, 5, 1, 9, tzinfo=UTC)
    component_retire(actor=agent, component=app, now=retire_at)
    app.refresh_from_db()
    assert app.retired_on == date(2026, 5, 1)
    assert versions_at(environment, datetime(2026, 4, 30, tzinfo=UTC)) == {"Intranet app": "1.1"}
    assert versions_at(environment, datetime(2026, 5, 2, tzinfo=UTC)) == {}
    with pytest.raises(ValidationError, match="is retired"):
        component_update(actor=agent, component=app, version="2.0")


@pytest.mark.parametrize("bad", ["1.0\n", "1.0\x00", "2.0\x1b[31m"])
def test_a_version_with_control_characters_is_refused(agent: User, environment: Environment, bad: str) -> None:
    app = component_add(actor=agent, environment=environment, name="App", kind="application", version="1.0")
    with pytest.raises(ValidationError, match="control characters"):
        component_update(actor=agent, component=app, version=bad)
    with pytest.raises(ValidationError, match="control characters"):
        component_add(actor=agent, environment=environment, name="DB", kind="database", version=bad)
    app.refresh_from_db()
    assert app.version == "1.0"
    assert not Component.objects.filter(name="DB").exists()


def test_contacts_of_another_customer_or_not_of_the_staff_are_refused(
    agent: User, anna: User, bertil: User, environment: Environment
) -> None:
    with pytest.raises(ValidationError, match="not a contact person of Org A Oy"):
        environment_update(actor=agent, environment=environment, customer_contacts=[bertil.contact])
    with pytest.raises(ValidationError, match="not of the supplier's staff"):
        environment_update(actor=agent, environment=environment, name="Renamed", supplier_contacts=[anna])
    environment.refresh_from_db()
    assert environment.name == "Intranet" and not environment.supplier_contacts.exists()  # nothing half-saved
    assert not EnvironmentEvent.objects.filter(field__in=["name", "supplier_contacts"]).exists()


def test_lifecycle_dates_in_the_wrong_order_are_refused(agent: User, environment: Environment) -> None:
    with pytest.raises(ValidationError, match="cannot be dated before"):
        environment_update(
            actor=agent, environment=environment, lifecycle=Lifecycle.IN_PRODUCTION, in_production_on=date(2025, 1, 1)
        )
    environment.refresh_from_db()
    assert environment.lifecycle == Lifecycle.PLANNED


def test_a_lifecycle_move_with_its_own_date(agent: User, environment: Environment) -> None:
    environment = environment_update(
        actor=agent, environment=environment, lifecycle=Lifecycle.IN_PRODUCTION, in_production_on=date(2026, 2, 15)
    )
    assert environment.in_production_on == date(2026, 2, 15)


def test_contacts_may_not_edit(anna: User, environment: Environment) -> None:
    for call in [
        lambda: environment_update(actor=anna, environment=environment, name="Mine"),
        lambda: address_add(actor=anna, environment=environment, label="x", address="y"),
    ]:
        with pytest.raises(PermissionDenied):
            call()


def test_a_contacts_list_names_the_people(agent: User, anna: User, aaro: Contact, environment: Environment) -> None:
    environment_update(actor=agent, environment=environment, customer_contacts=[aaro, anna.contact])
    environment_update(actor=agent, environment=environment, customer_contacts=[anna.contact])
    last = EnvironmentEvent.objects.filter(field="customer_contacts").last()
    assert last is not None and last.after == "Anna Asiakas" and "Anna Asiakas" in last.before
