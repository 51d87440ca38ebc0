"""The demo world that `make run` starts with: one supplier's staff and three customers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from tuki.accounts.models import Contact, Organisation, User
from tuki.accounts.services import business_unit_create, contact_create, organisation_create, staff_create
from tuki.mfa.services import totp_device_import

DEMO_PASSWORD = "tuki-demo-2026"  # noqa: S105 - a published demo login, never used outside demo data
# The demo manager's authenticator app: add this key to any TOTP app (or `oathtool --totp -b KEY`) to log in.
DEMO_TOTP_SECRET = "TUKI DEMO TUKI DEMO TUKI DEMO TUKI DEMO"  # noqa: S105 - published with the demo password


@dataclass(frozen=True)
class DemoContact:
    email: str
    full_name: str
    unit: str
    customer_manager: bool = False
    language: str = "fi"


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    business_id: str
    units: list[str]
    contacts: list[DemoContact] = field(default_factory=list)


STAFF = [
    ("agent@tuki.example", "Aino Agentti", False),
    ("ville@tuki.example", "Ville Virtanen", False),
    ("manager@tuki.example", "Maija Manageri", True),
]

ORGANISATIONS = [
    DemoOrganisation(
        "Asiakas A Oy",
        "1234567-8",
        ["Talous", "Myynti", "Tietohallinto"],
        [
            DemoContact("anna@asiakas-a.example", "Anna Asiakas", "Tietohallinto", customer_manager=True),
            DemoContact("antti@asiakas-a.example", "Antti Aaltonen", "Myynti"),
        ],
    ),
    DemoOrganisation(
        "Bertil Ab",
        "7654321-0",
        ["Ekonomi", "Produktion"],
        [
            DemoContact("bertil@bertil.example", "Bertil Berg", "Produktion", customer_manager=True, language="sv"),
            DemoContact("britta@bertil.example", "Britta Blom", "Ekonomi", language="sv"),
        ],
    ),
    DemoOrganisation(
        "Cedar Systems Ltd",
        "2468135-7",
        ["Operations", "Research"],
        [
            DemoContact("cecilia@cedar.example", "Cecilia Clarke", "Operations", customer_manager=True, language="en"),
            DemoContact("carl@cedar.example", "Carl Carter", "Research", language="en"),
        ],
    ),
]


@transaction.atomic
def seed_demo() -> int:
    """Create whatever of the demo world is missing. Returns how many records were created."""
    created = 0
    for email, full_name, manager in STAFF:
        if not User.objects.filter(email=email).exists():
            user = staff_create(email=email, full_name=full_name, manager=manager, password=DEMO_PASSWORD)
            if manager:  # managers always need a second step; the demo's agents do unless the setting says so
                totp_device_import(user=user, secret=DEMO_TOTP_SECRET, name="Demo")
            created += 1
    for spec in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=spec.name).first()
        if organisation is None:
            organisation = organisation_create(name=spec.name, business_id=spec.business_id)
            created += 1
        units = {unit.name: unit for unit in organisation.business_units.all()}
        for name in spec.units:
            if name not in units:
                units[name] = business_unit_create(organisation=organisation, name=name)
                created += 1
        for person in spec.contacts:
            if not Contact.objects.filter(user__email=person.email).exists():
                contact_create(
                    organisation=organisation,
                    email=person.email,
                    full_name=person.full_name,
                    business_unit=units[person.unit],
                    customer_manager=person.customer_manager,
                    language=person.language,
                    password=DEMO_PASSWORD,
                )
                created += 1
    return created


def demo_logins() -> list[tuple[str, str]]:
    """(email, what the login is) for printing next to the demo password."""
    logins = [(email, "manager" if manager else "agent") for email, _, manager in STAFF]
    for spec in ORGANISATIONS:
        for person in spec.contacts:
            role = "customer manager" if person.customer_manager else "contact"
            logins.append((person.email, f"{role}, {spec.name}"))
    return logins
