"""Generated months of a customer's activity, made through the services as agents and contacts make them."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tuki.accounts.models import Contact, User
from tuki.changes.services import change_create, change_transition
from tuki.environments.models import Environment
from tuki.tickets.models import Channel, Kind, State, Ticket
from tuki.tickets.services import ticket_create, ticket_reply, ticket_transition
from tuki.timesheets.services import estimate_approve, estimate_propose, time_entry_log

HELSINKI = ZoneInfo("Europe/Helsinki")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


def _moment(rng: random.Random, first: date, days: int) -> datetime:
    day = first + timedelta(days=rng.randrange(days))
    return at(day, rng.randrange(0, 24), rng.choice([0, 7, 15, 30, 45]))


def _later(rng: random.Random, moment: datetime) -> datetime:
    return moment + timedelta(minutes=rng.choice([20, 45, 90, 200, 600, 1500, 3000]))


def generate_month(
    *,
    seed: int,
    first: date,
    agent: User,
    manager_contact: Contact,
    contacts: list[Contact],
    environments: list[Environment],
    requests: int = 30,
) -> list[Ticket]:
    """``requests`` requests around the month ``first`` (some from the month before, some finishing after it), with
    replies, pauses, resolutions, closings, cancellations, time of every kind, approved estimates and changes."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    units = [c.business_unit for c in contacts if c.business_unit is not None]
    made = []
    for number in range(requests):
        created = _moment(rng, first - timedelta(days=12), 40)
        requester = rng.choice(contacts)
        ticket = ticket_create(
            actor=requester.user,
            requester=requester,
            subject=f"Pyyntö {number}",
            priority=rng.choice([1, 2, 3, 4]),
            kind=rng.choice(list(Kind.values)),
            channel=rng.choice(list(Channel.values)),
            environment=rng.choice([None, *environments]),
            business_unit=rng.choice([None, *units]),
            now=created,
        )
        moment = created
        if rng.random() < 0.8:
            moment = _later(rng, moment)
            ticket_reply(actor=agent, ticket=ticket, body="Selvitämme asiaa.", now=moment)
        if rng.random() < 0.3:
            moment = _later(rng, moment)
            ticket = ticket_transition(actor=agent, ticket=ticket, to=State.WAITING, now=moment)
            if rng.random() < 0.7:
                moment = _later(rng, moment)
                ticket_reply(actor=requester.user, ticket=ticket, body="Tässä lisätiedot.", now=moment)
        ticket.refresh_from_db()
        roll = rng.random()
        if roll < 0.55:
            moment = _later(rng, moment)
            ticket = ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=moment)
            if rng.random() < 0.4:
                moment = _later(rng, moment)
                ticket = ticket_transition(actor=requester.user, ticket=ticket, to=State.CLOSED, now=moment)
        elif roll < 0.65:
            moment = _later(rng, moment)
            ticket = ticket_transition(actor=agent, ticket=ticket, to=State.CANCELLED, now=moment)
        if ticket.state != State.CANCELLED and rng.random() < 0.6:
            work_day = (created + timedelta(days=1)).astimezone(HELSINKI).date()
            kind = rng.choice(["help_desk", "maintenance", "maintenance"])
            minutes = rng.choice([15, 30, 95, 240])
            time_entry_log(actor=agent, ticket=ticket, day=work_day, minutes=minutes, kind=kind, now=at(work_day, 17))
        if ticket.state not in (State.CANCELLED, State.CLOSED) and rng.random() < 0.2:
            estimate = estimate_propose(
                actor=agent,
                ticket=ticket,
                basis="hours",
                minutes=rng.choice([60, 125, 240]),
                description="Lisätyö",
                now=created + timedelta(hours=1),
            )
            estimate_approve(
                actor=manager_contact.user,
                estimate=estimate,
                version=estimate.version,
                now=created + timedelta(hours=2),
            )
            work_day = (created + timedelta(days=1)).astimezone(HELSINKI).date()
            minutes = rng.choice([37, 61, 100])
            time_entry_log(
                actor=agent, ticket=ticket, day=work_day, minutes=minutes, kind="additional", now=at(work_day, 18)
            )
        made.append(ticket)
    _changes(rng, first, agent, manager_contact, environments)
    return made


def _changes(rng: random.Random, first: date, agent: User, manager: Contact, environments: list[Environment]) -> None:
    if not environments:
        return
    for number in range(6):
        moment = _moment(rng, first - timedelta(days=5), 45)
        change = change_create(
            actor=agent,
            organisation=manager.organisation,
            title=f"Muutos {number}",
            kind="standard" if number % 3 == 2 else "emergency",
            environments=rng.sample(environments, rng.choice([1, len(environments)])),
            planned_start=moment,
            planned_end=moment + timedelta(hours=2),
            now=moment - timedelta(days=3),
        )
        change_transition(actor=agent, change=change, to="proposed", now=moment - timedelta(days=2))
        if number % 3 == 2:
            change_transition(actor=agent, change=change, to="scheduled", now=moment - timedelta(days=1))
            continue
        change_transition(actor=agent, change=change, to="implemented", now=moment)
        if number % 3 == 1:
            change_transition(actor=agent, change=change, to="rolled_back", now=moment + timedelta(hours=1))
