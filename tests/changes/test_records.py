"""Creating change records: CH-n identifiers under concurrency, and the bad input refused with nothing saved."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tuki.accounts.models import User
from tuki.changes.models import Change, ChangeComponent, ChangeEvent
from tuki.environments.models import Component, Environment, Lifecycle
from tuki.environments.services import environment_update
from tuki.tickets.services import ticket_create

from .conftest import WINDOW, make_change

THREADS = 4
PER_THREAD = 10


def test_identifiers_look_like_ch_n(agent: User, production_a: Environment) -> None:
    changes = [make_change(agent, production_a) for _ in range(3)]
    identifiers = [change.identifier for change in changes]
    assert all(re.fullmatch(r"CH-[1-9][0-9]*", identifier) for identifier in identifiers)
    assert len(set(identifiers)) == 3


def test_prefix_is_configurable(agent: User, production_a: Environment, settings: Any) -> None:
    settings.TUKI_CHANGE_PREFIX = "MUU"
    assert make_change(agent, production_a).identifier.startswith("MUU-")


@pytest.mark.django_db(transaction=True)
def test_concurrent_recording_gives_distinct_identifiers(agent: User, production_a: Environment) -> None:
    start = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(number: int) -> None:
        try:
            start.wait()
            results[number] = [make_change(agent, production_a).identifier for _ in range(PER_THREAD)]
        except Exception as exc:  # reported below
            results[number] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r for r in results if isinstance(r, Exception)] == []
    identifiers = [identifier for batch in results for identifier in batch]
    assert len(set(identifiers)) == THREADS * PER_THREAD == Change.objects.count()


def _nothing_saved() -> None:
    assert Change.objects.count() == 0
    assert ChangeComponent.objects.count() == 0
    assert ChangeEvent.objects.count() == 0


def test_window_that_ends_before_it_starts(agent: User, production_a: Environment) -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        make_change(agent, production_a, planned_end=WINDOW[0] - timedelta(minutes=1))
    _nothing_saved()


def test_retired_environment(agent: User, production_a: Environment) -> None:
    environment_update(actor=agent, environment=production_a, lifecycle=Lifecycle.RETIRED)
    with pytest.raises(ValidationError, match="is retired"):
        make_change(agent, production_a)
    _nothing_saved()


def test_environment_of_another_customer(agent: User, production_a: Environment, production_b: Environment) -> None:
    with pytest.raises(ValidationError, match="another customer"):
        make_change(agent, production_a, environments=[production_a, production_b])
    _nothing_saved()


def test_version_with_control_characters(agent: User, production_a: Environment, app_a: Component) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        make_change(agent, production_a, components=[(app_a, "2.0\x1b[31m")])
    _nothing_saved()


def test_request_of_another_customer(agent: User, bertil: User, agreement_b: Any, production_a: Environment) -> None:
    ticket = ticket_create(actor=bertil, requester=bertil.contact, subject="Lönerna")
    with pytest.raises(ValidationError, match="another customer"):
        make_change(agent, production_a, tickets=[ticket])
    _nothing_saved()


def test_contacts_record_no_changes(anna: User, production_a: Environment) -> None:
    with pytest.raises(Exception, match="Only the support staff"):
        make_change(anna, production_a)
    _nothing_saved()


def test_request_spawns_changes_and_they_show_it(
    agent: User, anna: User, agreement_a: Any, production_a: Environment
) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Please upgrade")
    first = make_change(agent, production_a, tickets=[ticket])
    second = make_change(agent, production_a, tickets=[ticket])
    assert set(ticket.changes.all()) == {first, second}
    assert list(first.tickets.all()) == [ticket]
