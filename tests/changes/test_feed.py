"""The calendar feed of changes: a contact's secret link, made, shown once, revoked and replaced; the feed opens
with the token alone, shows only the contact's organisation's changes, and answers nothing to a guess."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tuki.accounts.models import Contact, User
from tuki.changes.models import CalendarLink, Change
from tuki.changes.services import calendar_link_create, calendar_link_revoke, change_transition
from tuki.environments.models import Environment
from tuki.portal.calendar import FAILURES_ALLOWED

from .windows import planned, scheduled


def fetch(client: Client, token: str) -> Any:
    return client.get(reverse("portal:change_feed"), {"token": token})


def events_of(response: Any) -> list[Any]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(icalendar.Calendar.from_ical(response.content.decode()).walk("VEVENT"))


@pytest.fixture
def anna_change(agent: User, anna: User, production_a: Environment) -> Change:
    return scheduled(agent, production_a, description="Restart at 18:00")


def test_the_link_is_shown_once_and_opens_the_feed(client: Client, anna: User, anna_change: Change) -> None:
    client.force_login(anna)
    page = client.get(reverse("portal:calendar_link")).content.decode()
    assert "changes.ics" not in page  # no link yet
    response = client.post(reverse("portal:calendar_link_change"), {"action": "new"})
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    start = page.index('value="', page.index('id="feed-url"')) + len('value="')
    url = page[start : page.index('"', start)].replace("&amp;", "&")
    token = url.split("token=")[1]
    assert url.startswith("http") and "changes.ics?token=" in url
    # Stored only as a digest: the token itself is nowhere in the database.
    link = CalendarLink.objects.get(contact__user=anna)
    assert token not in (link.digest, link.prefix) and link.prefix == token[:8]
    assert token not in client.get(reverse("portal:calendar_link")).content.decode()  # never shown again

    anonymous = Client()
    [event] = events_of(anonymous.get(urlsplit(url).path + "?" + urlsplit(url).query))
    assert str(event["UID"]).startswith(anna_change.identifier.lower() + "@")
    assert anna_change.identifier in str(event["SUMMARY"]) and anna_change.title in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == anna_change.planned_start
    assert event.decoded("DTEND") == anna_change.planned_end
    assert "DTSTART:" in anonymous.get(reverse("portal:change_feed"), {"token": token}).content.decode()
    assert str(event["LOCATION"]) == "Intranet, production"
    assert str(event["URL"]).endswith(reverse("portal:change", args=[anna_change.identifier]))
    assert "Restart at 18:00" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_times_are_in_utc(client: Client, anna: User, anna_change: Change) -> None:
    body = fetch(client, calendar_link_create(actor=anna)).content.decode()
    start = next(line for line in body.split("\r\n") if line.startswith("DTSTART"))
    assert start.endswith("Z") and ";TZID" not in start


def test_a_new_link_stops_the_old_one_at_once(client: Client, anna: User, anna_change: Change) -> None:
    old = calendar_link_create(actor=anna)
    assert fetch(client, old).status_code == 200
    new = calendar_link_create(actor=anna)
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    client.force_login(anna)
    client.post(reverse("portal:calendar_link_change"), {"action": "revoke"})
    assert fetch(Client(), new).status_code == 404
    assert not CalendarLink.objects.exists()
    assert calendar_link_revoke(actor=anna) is False


def test_the_feed_holds_no_draft_no_cancelled_change_and_no_internal_notes(
    client: Client, agent: User, anna: User, anna_change: Change, production_a: Environment
) -> None:
    planned(agent, production_a, title="Draft only")
    gone = scheduled(agent, production_a, start=timezone.now() + timedelta(days=6))
    change_transition(actor=agent, change=gone, to="cancelled")
    body = fetch(client, calendar_link_create(actor=anna)).content.decode()
    assert "Draft only" not in body and gone.identifier not in body
    assert "Ask Pekka" not in body and "vault:" not in body  # the environment's internal notes and secrets place
    assert body.count("BEGIN:VEVENT") == 1


def test_implemented_changes_stay_in_the_feed(client: Client, agent: User, anna: User, anna_change: Change) -> None:
    change_transition(actor=agent, change=anna_change, to="implemented")
    [event] = events_of(fetch(client, calendar_link_create(actor=anna)))
    assert "Implemented" in str(event["SUMMARY"]) or "Toteutettu" in str(event["SUMMARY"])


def test_bertils_link_never_shows_org_a(
    client: Client, agent: User, bertil: User, anna_change: Change, production_b: Environment
) -> None:
    Contact.objects.filter(user=bertil).update(is_customer_manager=True)
    own = scheduled(agent, production_b, title="Uppgradera ekonomin")
    response = fetch(client, calendar_link_create(actor=bertil))
    body = response.content.decode()
    assert [str(event["UID"]).split("@")[0] for event in events_of(response)] == [own.identifier.lower()]
    assert anna_change.title not in body and "Intranet" not in body
    # The feed speaks the contact's language.
    assert "Ändringar" in body or "ndringar" in body


def test_a_guessed_or_empty_token_finds_nothing(client: Client, anna: User, anna_change: Change) -> None:
    token = calendar_link_create(actor=anna)
    guessed = token[:8] + ("A" if token[8] != "A" else "B") + token[9:]  # the right prefix, a wrong secret
    for attempt in (guessed, "", "x" * 43, token[:8], "y" * 500):
        response = fetch(client, attempt)
        assert response.status_code == 404 and anna_change.title.encode() not in response.content


def test_an_inactive_contact_gets_gone(client: Client, anna: User, anna_change: Change) -> None:
    token = calendar_link_create(actor=anna)
    Contact.objects.filter(user=anna).update(deactivated_at=timezone.now())
    assert fetch(client, token).status_code == 410
    Contact.objects.filter(user=anna).update(deactivated_at=None)
    User.objects.filter(pk=anna.pk).update(is_active=False)
    assert fetch(client, token).status_code == 410


def test_guessing_is_limited_by_address(client: Client, anna: User, anna_change: Change) -> None:
    token = calendar_link_create(actor=anna)
    for _ in range(FAILURES_ALLOWED):
        assert fetch(client, "wrong-token-guess").status_code == 404
    response = fetch(client, token)
    assert response.status_code == 429 and "Retry-After" in response


def test_no_token_reaches_the_logs(client: Client, anna: User, caplog: pytest.LogCaptureFixture) -> None:
    token = calendar_link_create(actor=anna)
    revoked = token
    calendar_link_create(actor=anna)
    with caplog.at_level(logging.DEBUG):
        fetch(client, revoked)
        fetch(client, "guess-" + "z" * 40)
    assert caplog.records  # Django logs the 404 ...
    assert all(revoked not in record.getMessage() and "zzzz" not in record.getMessage() for record in caplog.records)


def test_only_contacts_have_links_and_only_their_own(client: Client, agent: User, anna: User, aaro: Contact) -> None:
    calendar_link_create(actor=anna)
    with pytest.raises(Exception, match="named contact"):
        calendar_link_create(actor=agent)
    client.force_login(aaro.user)
    page = client.get(reverse("portal:calendar_link")).content.decode()
    assert "Make a calendar link" in page or "calendar" in page.lower()
    client.post(reverse("portal:calendar_link_change"), {"action": "revoke"})
    assert CalendarLink.objects.filter(contact__user=anna).exists()  # aaro revoked nothing of anna's
    client.force_login(agent)
    assert client.get(reverse("portal:calendar_link")).status_code == 404
