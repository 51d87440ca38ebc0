"""The desk's search finds words in the subject, the description and every message, notes included."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tuki.tickets.services import ticket_create, ticket_note, ticket_reply


def test_search_over_subject_description_and_messages(client: Client, agent: Any, anna: Any, agreement_a: Any) -> None:
    printer = ticket_create(actor=anna, requester=anna.contact, subject="Printer jams", description="Floor three")
    login = ticket_create(actor=anna, requester=anna.contact, subject="Login fails", description="Since Monday")
    ticket_reply(actor=agent, ticket=login, body="Cleared the cache of the gateway")
    ticket_note(actor=agent, ticket=printer, body="Toner supplier contacted")
    client.force_login(agent)

    def found(text: str) -> set[str]:
        html = client.get("/desk/", {"queue": "all", "q": text}).content.decode()
        return {t.identifier for t in (printer, login) if f">{t.identifier}</a>" in html}

    assert found("printer") == {printer.identifier}
    assert found("monday") == {login.identifier}
    assert found("gateway") == {login.identifier}
    assert found("toner") == {printer.identifier}
    assert found("toner gateway") == set()
    assert found("") == {printer.identifier, login.identifier}
