"""Mail to the customer about changes: scheduled, a day before the window (claimed once however many workers run
the reminder), implemented, rolled back; to the customer managers and the linked requests' requesters, each in
their language, threaded per change; never to another customer's contacts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.changes.windows import planned, scheduled
from tests.conftest import speaks
from tests.workers import run_in_workers
from tuki.accounts.models import Contact, User
from tuki.changes.lifecycle import ChangeTransitionError
from tuki.changes.models import Change, ChangeState
from tuki.changes.services import change_transition
from tuki.changes.tasks import window_reminders
from tuki.environments.models import Environment
from tuki.environments.services import environment_create
from tuki.tickets.services import ticket_create


@pytest.fixture
def production_a(agent: User, org_a: Any) -> Environment:
    return environment_create(actor=agent, organisation=org_a, name="Intranet, production")


@pytest.fixture
def production_b(agent: User, org_b: Any) -> Environment:
    return environment_create(actor=agent, organisation=org_b, name="Ekonomi, produktion")


def _to(message: Any) -> str:
    return message.to[0]


def test_scheduling_mails_customer_managers_and_requesters_in_their_language(
    django_capture_on_commit_callbacks: Any,
    agent: User,
    anna: User,
    aaro: Contact,
    bertil: User,
    production_a: Environment,
    agreement_a: Any,
) -> None:
    other = Contact.objects.create(
        user=User.objects.create_user(email="olli@org-a.example", full_name="Olli"),
        organisation=anna.contact.organisation,
    )
    speaks(aaro.user, "sv")
    request = ticket_create(actor=aaro.user, requester=aaro, subject="Please upgrade", priority=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = scheduled(agent, production_a, tickets=[request], title="Upgrade\nthe intranet")
    notices = [message for message in mail.outbox if "[CH-" in message.subject]
    assert sorted(map(_to, notices)) == sorted([anna.email, aaro.user.email])  # not olli, not bertil
    assert other.user.email not in map(_to, mail.outbox)
    by_reader = {_to(message): message for message in notices}
    finnish, swedish = by_reader[anna.email], by_reader[aaro.user.email]
    assert finnish.subject.startswith(f"[{change.identifier}] Upgrade the intranet: ")
    assert "ajoitettu" in finnish.subject.lower() or "scheduled" in finnish.subject.lower()
    assert "schemalag" in swedish.subject.lower() or "scheduled" in swedish.subject.lower()
    assert "/portal/changes/" + change.identifier in finnish.body
    thread = finnish.extra_headers["References"]
    assert thread == finnish.extra_headers["In-Reply-To"] == swedish.extra_headers["References"]
    assert thread.startswith("<tuki.change.ch-") and finnish.extra_headers["Message-ID"] != thread
    assert finnish.extra_headers["Auto-Submitted"] == "auto-generated"


def test_implemented_and_rolled_back_are_told_in_the_same_thread(
    django_capture_on_commit_callbacks: Any, agent: User, anna: User, production_a: Environment
) -> None:
    change = scheduled(agent, production_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_transition(actor=agent, change=change, to="implemented")
    with django_capture_on_commit_callbacks(execute=True):
        change_transition(actor=agent, change=change, to="rolled_back")
    implemented, rolled_back = mail.outbox
    assert implemented.extra_headers["References"] == rolled_back.extra_headers["References"]
    assert implemented.extra_headers["Message-ID"] != rolled_back.extra_headers["Message-ID"]
    assert [message.to for message in mail.outbox] == [[anna.email]] * 2


def test_moves_the_customer_is_not_told_of_send_nothing(
    django_capture_on_commit_callbacks: Any, agent: User, anna: User, production_a: Environment
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change = planned(agent, production_a)
        change_transition(actor=agent, change=change, to="proposed")
        change_transition(actor=agent, change=change, to="cancelled")
    assert not mail.outbox


def test_a_failed_move_mails_nobody(
    django_capture_on_commit_callbacks: Any, agent: User, anna: User, production_a: Environment
) -> None:
    change = planned(agent, production_a, hours=None)
    with django_capture_on_commit_callbacks(execute=True):
        change_transition(actor=agent, change=change, to="proposed")
        change_transition(actor=anna, change=change, to="approved")
        with pytest.raises(ChangeTransitionError):
            change_transition(actor=agent, change=change, to="scheduled")  # no end: refused
    assert not mail.outbox


def test_the_reminder_goes_a_day_ahead_once_and_again_for_a_new_window(
    django_capture_on_commit_callbacks: Any, agent: User, anna: User, production_a: Environment
) -> None:
    now = timezone.now()
    change = scheduled(agent, production_a, start=now + timedelta(hours=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert window_reminders(now) == 0  # more than a day ahead
        assert window_reminders(now + timedelta(hours=7)) == 1
        assert window_reminders(now + timedelta(hours=8)) == 0  # claimed already
    [reminder] = mail.outbox
    assert reminder.to == [anna.email] and change.identifier in reminder.subject
    # Moved to another window (as the staff may, before it starts): reminded of the new one.
    Change.objects.filter(pk=change.pk).update(
        planned_start=now + timedelta(hours=20), planned_end=now + timedelta(hours=22)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert window_reminders(now + timedelta(hours=8)) == 1
    assert len(mail.outbox) == 2


def test_no_reminder_for_a_change_no_longer_scheduled(
    django_capture_on_commit_callbacks: Any, agent: User, anna: User, production_a: Environment
) -> None:
    now = timezone.now()
    change = scheduled(agent, production_a, start=now + timedelta(hours=5))
    change_transition(actor=agent, change=change, to="cancelled")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert window_reminders(now) == 0
    assert not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_one_reminder(agent: User, anna: User, production_a: Environment) -> None:
    now = timezone.now()
    changes = [scheduled(agent, production_a, start=now + timedelta(hours=3 + n)) for n in range(10)]
    mail.outbox.clear()
    counts, failures = run_in_workers(lambda: window_reminders(now))
    assert not failures
    assert sum(counts) == len(changes)
    assert sorted(message.subject.split("]")[0] for message in mail.outbox) == sorted(
        f"[{change.identifier}" for change in changes
    )
    assert Change.objects.filter(state=ChangeState.SCHEDULED, reminded_for__isnull=True).count() == 0


def test_bertil_hears_nothing_of_org_a(
    django_capture_on_commit_callbacks: Any, agent: User, anna: User, bertil: User, production_a: Environment
) -> None:
    Contact.objects.filter(user=bertil).update(is_customer_manager=True)
    with django_capture_on_commit_callbacks(execute=True):
        change = scheduled(agent, production_a)
        change_transition(actor=agent, change=change, to="implemented")
        window_reminders(timezone.now())
    assert bertil.email not in [address for message in mail.outbox for address in message.to]
