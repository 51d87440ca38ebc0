"""The pages of time and the quota: logging by hand on the desk, the desk's overview, the customer's "Quota and
costs" page; who reaches which, what each shows, and queries that do not grow with the entries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.timesheets.conftest import NOW
from tuki.audit.models import Action, AuditEntry
from tuki.tickets.services import ticket_create
from tuki.timesheets.models import ClosedPeriod, TimeEntry
from tuki.timesheets.services import time_entry_log

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 17)


@pytest.fixture(autouse=True)
def _in_march_2027() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _log(agent: Any, ticket: Any, minutes: int = 90, kind: str = "maintenance", **extra: Any) -> TimeEntry:
    values = {"description": "Raportin korjaus", "internal_note": "Indeksi puuttui"} | extra
    return time_entry_log(actor=agent, ticket=ticket, day=DAY, minutes=minutes, kind=kind, now=NOW, **values)


def test_an_agent_logs_time_by_hand(client: Any, agent: Any, request_a: Any) -> None:
    client.force_login(agent)
    page = client.get(f"/desk/requests/{request_a.identifier}/time/")
    assert page.status_code == 200 and 'name="minutes"' in page.content.decode()
    response = client.post(
        f"/desk/requests/{request_a.identifier}/time/",
        {"day": "2027-03-17", "minutes": "90", "kind": "maintenance", "description": "Raportti korjattu"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/desk/requests/{request_a.identifier}/", 302)]
    assert f"1 h 30 min kirjattu tukipyyntöön {request_a.identifier}." in response.content.decode()
    entry = TimeEntry.objects.get()
    assert (entry.author, entry.minutes, entry.description) == (agent, 90, "Raportti korjattu")


def test_a_refused_entry_shows_why_and_saves_nothing(client: Any, agent: Any, request_a: Any) -> None:
    client.force_login(agent)
    response = client.post(
        f"/desk/requests/{request_a.identifier}/time/", {"day": "2027-03-18", "minutes": "0", "kind": "maintenance"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Kirjaa enemmän kuin nolla minuuttia" in text and "vain tälle päivälle tai aiemmille" in text
    assert not TimeEntry.objects.exists()


def test_logging_needs_the_csrf_token(client: Any, agent: Any, request_a: Any) -> None:
    client.force_login(agent)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/desk/requests/{request_a.identifier}/time/", {"day": "2027-03-17", "minutes": "30", "kind": "help_desk"}
    )
    assert response.status_code == 403 and not TimeEntry.objects.exists()


def test_an_agent_corrects_an_entry(client: Any, agent: Any, request_a: Any) -> None:
    entry = _log(agent, request_a)
    client.force_login(agent)
    response = client.post(f"/desk/time/{entry.pk}/correct/", {"reason": "Väärä pyyntö"}, follow=True)
    assert "Kirjaus on korjattu." in response.content.decode()
    assert TimeEntry.objects.get(corrects=entry).minutes == -90
    client.post(f"/desk/time/{entry.pk}/correct/", {"reason": "Uudestaan"}, follow=True)
    assert TimeEntry.objects.count() == 2


def test_contacts_reach_no_desk_page_of_time(client: Any, agent: Any, anna: Any, request_a: Any) -> None:
    entry = _log(agent, request_a)
    client.force_login(anna)
    assert client.get(f"/desk/requests/{request_a.identifier}/time/").status_code == 404
    posted = {"day": "2027-03-17", "minutes": "30", "kind": "help_desk"}
    assert client.post(f"/desk/requests/{request_a.identifier}/time/", posted).status_code == 404
    assert client.post(f"/desk/time/{entry.pk}/correct/", {"reason": "x"}).status_code == 404
    assert client.get("/desk/quota/").status_code == 404
    assert TimeEntry.objects.count() == 1


def test_the_customer_sees_its_quota_and_the_customer_descriptions(
    client: Any, agent: Any, anna: Any, request_a: Any
) -> None:
    _log(agent, request_a, minutes=960)
    _log(agent, request_a, minutes=45, kind="help_desk", description="Neuvonta puhelimessa")
    client.force_login(anna)
    text = client.get("/portal/quota/?period=2027-03-10").content.decode()
    assert "Kiintiö ja kustannukset" in text and 'href="/portal/quota/"' in text
    assert "16 h 00 min / 20 h 00 min käytetty (80 %)" in text
    assert 'value="960"' in text and 'max="1200"' in text
    assert "Raportin korjaus" in text and "Neuvonta puhelimessa" in text and "0 h 45 min" in text
    assert "Indeksi puuttui" not in text  # the internal note stays on the desk


def test_one_customer_never_sees_anothers_time(
    client: Any, agent: Any, anna: Any, bertil: Any, request_a: Any, request_b: Any
) -> None:
    _log(agent, request_a, description="Org A:n salainen raportti")
    _log(agent, request_b, kind="help_desk", description="Org B:s rådgivning")
    client.force_login(bertil)
    text = client.get("/portal/quota/?period=2027-03-10").content.decode()
    assert "Org B:s rådgivning" in text
    assert "Org A" not in text and request_a.identifier not in text
    for period in ("2027-02-01", "2027-03-01", "2027-04-01", "x"):
        assert "salainen" not in client.get(f"/portal/quota/?period={period}").content.decode()
    assert client.get(f"/portal/requests/{request_a.identifier}/").status_code == 404
    client.force_login(anna)
    assert "rådgivning" not in client.get("/portal/quota/?period=2027-03-10").content.decode()


def test_the_desk_overview_puts_customers_past_80_percent_first(
    client: Any, agent: Any, request_a: Any, request_b: Any
) -> None:
    _log(agent, request_b, kind="help_desk", minutes=30)
    _log(agent, request_a, minutes=1000)
    client.force_login(agent)
    text = client.get("/desk/quota/?period=2027-03-05").content.decode()
    assert 'href="/desk/quota/"' in text
    assert "1 asiakas on käyttänyt kiintiöstään 80 % tai enemmän" in text
    assert text.index("Org A Oy") < text.index("Org B Ab")
    assert "1.3.2027 – 31.3.2027" in text and "16 h 40 min (83 %)" in text and "yli 80 %" in text
    assert "Sulje jakso" not in text  # agents do not close periods


def test_a_manager_closes_a_period_from_the_overview(client: Any, agent: Any, manager: Any, request_a: Any) -> None:
    client.force_login(agent)
    assert client.post(f"/desk/quota/{request_a.agreement_id}/close/", {"period": "2025-01-01"}).status_code == 404
    client.force_login(manager)
    assert "Sulje jakso" in client.get("/desk/quota/?period=2025-01-15").content.decode()
    response = client.post(f"/desk/quota/{request_a.agreement_id}/close/", {"period": "2025-01-01"}, follow=True)
    assert "Jakso on suljettu laskutusta varten." in response.content.decode()
    assert ClosedPeriod.objects.filter(start=date(2025, 1, 1)).exists()
    assert AuditEntry.objects.filter(action=Action.PERIOD_CLOSED, actor=manager).count() == 1
    response = client.post(f"/desk/quota/{request_a.agreement_id}/close/", {"period": "2025-03-01"}, follow=True)
    assert "Sulje ensin jakso, joka alkaa" in response.content.decode()


def _count(client: Any, path: str) -> int:
    client.get(path)  # the first request fills per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anna", "agent"])
def test_queries_do_not_grow_with_the_entries(
    client: Any, agent: Any, anna: Any, request_a: Any, request_b: Any, who: str
) -> None:
    path = {"anna": "/portal/quota/?period=2027-03-01", "agent": "/desk/quota/?period=2027-03-01"}[who]
    client.force_login({"anna": anna, "agent": agent}[who])
    _log(agent, request_a, minutes=10)
    few = _count(client, path)
    for day in range(1, 16):
        _log(agent, request_a, minutes=10, kind="help_desk")
        time_entry_log(actor=agent, ticket=request_a, day=date(2027, 1, day), minutes=5, kind="maintenance", now=NOW)
        _log(agent, request_b, minutes=10, kind="help_desk")
    assert _count(client, path) == few


def test_the_request_time_page_queries_do_not_grow(client: Any, agent: Any, request_a: Any) -> None:
    path = f"/desk/requests/{request_a.identifier}/time/"
    client.force_login(agent)
    _log(agent, request_a)
    few = _count(client, path)
    for _ in range(15):
        _log(agent, request_a, minutes=5)
    assert _count(client, path) == few


def test_the_admin_shows_the_account_manager_and_the_carry_over(client: Any, manager: Any, request_a: Any) -> None:
    client.force_login(manager)
    organisation = client.get(f"/admin/accounts/organisation/{request_a.organisation_id}/change/").content.decode()
    assert 'name="account_manager"' in organisation and "Maija Manageri" in organisation
    assert "Anna Asiakas" not in organisation  # only staff can be account managers
    agreement = client.get(f"/admin/agreements/agreement/{request_a.agreement_id}/change/").content.decode()
    assert 'name="carry_over"' in agreement and 'name="carry_over_cap_hours"' in agreement
    assert 'value="quarter"' in agreement


def test_the_request_page_leads_to_its_time(client: Any, agent: Any, anna: Any, agreement_a: Any) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Slow backups")
    client.force_login(agent)
    page = client.get(f"/desk/requests/{ticket.identifier}/").content.decode()
    assert f'href="/desk/requests/{ticket.identifier}/time/"' in page
