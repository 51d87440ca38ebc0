"""Demo agreements and requests, so that a fresh `make run` shows SLA clocks in every state."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuki.accounts.models import Contact, Organisation, User
from tuki.agreements.models import Agreement, ServiceCalendar
from tuki.agreements.services import agreement_save, calendar_save
from tuki.environments.models import Environment
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_create, ticket_reply, ticket_transition

TARGETS = {1: (30, 240), 2: (60, 480), 3: (240, 960), 4: (480, 2400)}
ENVIRONMENTS = {
    "Asiakas A Oy": ["Intranet, tuotanto", "Intranet, testi", "Verkkokauppa"],
    "Bertil Ab": ["Extranät, produktion"],
    "Cedar Systems Ltd": ["Data platform, production"],
}
REQUESTS = [
    # (contact email, subject, priority, hours ago, what happens)
    ("anna@asiakas-a.example", "Intranetin etusivu latautuu hitaasti", 2, 2, "new"),
    ("antti@asiakas-a.example", "Verkkokaupan tilausvahvistukset eivät lähde", 1, 3, "in_progress"),
    ("anna@asiakas-a.example", "Uusi käyttäjäryhmä intranetiin", 4, 30, "waiting"),
    ("bertil@bertil.example", "Inloggningen misslyckas för nya användare", 3, 20, "in_progress"),
    ("cecilia@cedar.example", "Nightly import job failed", 2, 60, "resolved"),
]


@transaction.atomic
def seed_agreements() -> int:
    """Calendars, environments and an agreement for every demo customer; what exists is left alone."""
    manager = User.objects.filter(role="manager").order_by("pk").first()
    if manager is None or Agreement.objects.exists():
        return 0
    office = ServiceCalendar.objects.filter(name="Arkipäivät 8–16").first() or calendar_save(
        actor=manager, name="Arkipäivät 8–16", weekly=[(day, time(8), time(16)) for day in range(5)]
    )
    on_call = ServiceCalendar.objects.filter(name="Päivystys 24/7").first() or calendar_save(
        actor=manager,
        name="Päivystys 24/7",
        weekly=[(day, time(0), None) for day in range(7)],
        holiday_country="",
    )
    created = 0
    for organisation in Organisation.objects.filter(name__in=ENVIRONMENTS):
        environments = [
            Environment.objects.get_or_create(organisation=organisation, name=name)[0]
            for name in ENVIRONMENTS[organisation.name]
        ]
        agreement_save(
            actor=manager,
            organisation=organisation,
            service_calendar=office,
            includes_on_call=organisation.name == "Asiakas A Oy",
            on_call_calendar=on_call,
            targets=TARGETS,
            valid_from=date(timezone.localdate().year - 1, 1, 1),
            quota_hours=Decimal(20),
            hourly_rate=Decimal("95.00"),
            environments=environments,
        )
        created += 1
    return created


@transaction.atomic
def seed_requests() -> int:
    if Ticket.objects.exists():
        return 0
    agent = User.objects.filter(role="agent").order_by("pk").first()
    now = timezone.now()
    created = 0
    for email, subject, priority, hours_ago, what in REQUESTS:
        contact = Contact.objects.filter(user__email=email).select_related("user").first()
        if contact is None:
            continue
        start = now - timedelta(hours=hours_ago)
        environment = Environment.objects.filter(organisation_id=contact.organisation_id).order_by("pk").first()
        ticket = ticket_create(
            actor=contact.user,
            requester=contact,
            subject=subject,
            priority=priority,
            environment=environment,
            now=start,
        )
        step = start + timedelta(minutes=20)
        if what != "new" and agent is not None:
            ticket = ticket_transition(actor=agent, ticket=ticket, to=State.IN_PROGRESS, now=step)
            ticket_reply(actor=agent, ticket=ticket, body="Selvitämme asiaa.", now=step)
            if what == "waiting":
                ticket_transition(actor=agent, ticket=ticket, to=State.WAITING, now=step + timedelta(minutes=5))
            if what == "resolved":
                ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=step + timedelta(hours=2))
        created += 1
    return created
