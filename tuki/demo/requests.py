"""Demo requests: a few for each demo customer, in the states an agent meets every day, and last month's, answered
and resolved, so that the monthly report made on the first day has a month to tell about."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tuki.accounts.models import Contact, User
from tuki.environments.models import Environment
from tuki.reports.figures.period import add_months
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_create, ticket_reply, ticket_transition

REQUESTS = [
    # (contact email, subject, description, priority, hours ago, what happens)
    (
        "anna@asiakas-a.example",
        "Intranetin etusivu latautuu hitaasti",
        "Etusivun avaaminen kestää tänään noin 15 sekuntia, eilen alle sekunnin. Muut sivut toimivat normaalisti.",
        2,
        2,
        "new",
    ),
    (
        "antti@asiakas-a.example",
        "Verkkokaupan tilausvahvistukset eivät lähde",
        "Aamusta lähtien asiakkaat eivät ole saaneet tilausvahvistuksia. Tilaukset näkyvät hallinnassa.",
        1,
        3,
        "in_progress",
    ),
    (
        "anna@asiakas-a.example",
        "Uusi käyttäjäryhmä intranetiin",
        "Tarvitsemme ryhmän *Myynti* ja sille lukuoikeuden uutisiin. Jäsenet lähetän erikseen.",
        4,
        30,
        "waiting",
    ),
    (
        "bertil@bertil.example",
        "Inloggningen misslyckas för nya användare",
        "Användare som skapats efter måndag får felet *Ogiltigt konto* vid inloggning. Äldre konton fungerar.",
        3,
        20,
        "in_progress",
    ),
    (
        "cecilia@cedar.example",
        "Nightly import job failed",
        "Last night's product import stopped half way; the log ends with *disk full*. Could you check the server?",
        2,
        60,
        "resolved",
    ),
]

# Last month: (contact email, subject, description, priority, day of the month, hours until the first answer).
# One answer comes late, as happens: the report lists it as a missed target.
LAST_MONTH = [
    ("anna@asiakas-a.example", "Salasanan vaihto ei onnistu", "Lomake antaa virheen *Tuntematon käyttäjä*.", 3, 4, 1),
    ("antti@asiakas-a.example", "Raportti näyttää väärät summat", "Loppusumma ei täsmää riveihin.", 2, 11, 30),
    ("anna@asiakas-a.example", "Uutiskirjeen pohjan päivitys", "Uusi logo uutiskirjeen ylätunnisteeseen.", 4, 18, 2),
    ("bertil@bertil.example", "Exporten saknar rader", "Fakturor från fredag saknas i filen.", 2, 7, 1),
    ("bertil@bertil.example", "Ny användare till portalen", "Lägg till Sara Berg med läsrättigheter.", 4, 20, 3),
    (
        "cecilia@cedar.example",
        "Search returns no results",
        "Searching for *pump* finds nothing since the update.",
        2,
        13,
        1,
    ),
]

# The agent's first answer, in the customer's language.
FIRST_ANSWER = {
    "fi": "Kiitos, selvitämme asiaa ja palaamme tänään.",
    "sv": "Tack, vi utreder saken och återkommer i dag.",
    "en": "Thank you, we are looking into it and will get back to you today.",
}


@transaction.atomic
def seed_requests() -> int:
    if Ticket.objects.exists():
        return 0
    agent = User.objects.filter(role="agent").order_by("pk").first()
    now = timezone.now()
    created = 0
    for email, subject, description, priority, hours_ago, what in REQUESTS:
        start = now - timedelta(hours=hours_ago)
        filed = _filed_by(email, subject, description, priority, start, in_environment=True)
        if filed is None:
            continue
        contact, ticket = filed
        step = start + timedelta(minutes=20)
        if what != "new" and agent is not None:
            ticket = _answer(agent, ticket, contact, step)
            if what == "waiting":
                ticket_transition(actor=agent, ticket=ticket, to=State.WAITING, now=step + timedelta(minutes=5))
            if what == "resolved":
                ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=step + timedelta(hours=2))
        created += 1
    return created + _seed_last_month(agent, now)


def _seed_last_month(agent: User | None, now: datetime) -> int:
    if agent is None:
        return 0
    last_month = add_months(timezone.localtime(now).date().replace(day=1), -1)
    created = 0
    for email, subject, description, priority, day, hours_to_answer in LAST_MONTH:
        start = timezone.make_aware(datetime.combine(last_month.replace(day=day), time(9, 30)))
        filed = _filed_by(email, subject, description, priority, start, in_environment=False)
        if filed is None:
            continue
        contact, ticket = filed
        answered = start + timedelta(hours=hours_to_answer)
        ticket = _answer(agent, ticket, contact, answered)
        ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=answered + timedelta(hours=3))
        created += 1
    return created


def _filed_by(
    email: str, subject: str, description: str, priority: int, start: datetime, *, in_environment: bool
) -> tuple[Contact, Ticket] | None:
    """A request the demo contact ``email`` filed at ``start`` (about the customer's first environment, if
    ``in_environment``); None when the contact is not there."""
    contact = Contact.objects.filter(user__email=email).select_related("user").first()
    if contact is None:
        return None
    environment = None
    if in_environment:
        environment = Environment.objects.filter(organisation_id=contact.organisation_id).order_by("pk").first()
    ticket = ticket_create(
        actor=contact.user,
        requester=contact,
        subject=subject,
        description=description,
        priority=priority,
        environment=environment,
        now=start,
    )
    return contact, ticket


def _answer(agent: User, ticket: Ticket, contact: Contact, at: datetime) -> Ticket:
    """The agent takes the request and gives the first answer, in the customer's language."""
    ticket = ticket_transition(actor=agent, ticket=ticket, to=State.IN_PROGRESS, now=at)
    ticket_reply(actor=agent, ticket=ticket, body=FIRST_ANSWER.get(contact.user.language, FIRST_ANSWER["fi"]), now=at)
    return ticket
