"""Demo agreements: calendars, environments and an agreement for every demo customer."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuki.accounts.models import Organisation, User
from tuki.agreements.models import Agreement, ServiceCalendar
from tuki.agreements.services import agreement_save, calendar_save
from tuki.environments.models import Environment

TARGETS = {1: (30, 240), 2: (60, 480), 3: (240, 960), 4: (480, 2400)}
ENVIRONMENTS = {
    "Asiakas A Oy": ["Intranet, tuotanto", "Intranet, testi", "Verkkokauppa"],
    "Bertil Ab": ["Extranät, produktion"],
    "Cedar Systems Ltd": ["Data platform, production"],
}


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
