"""Messages for the next page: a client that never follows the redirects piles up no more than a few."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tuki.core.messages import RecentMessagesStorage
from tuki.tickets.services import ticket_create


def test_unshown_messages_keep_only_the_newest_and_never_fill_the_session(
    client: Client, anna: Any, agreement_a: Any
) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Printer", description="Jammed")
    client.force_login(anna)
    for n in range(RecentMessagesStorage.keep + 15):
        answer = client.post(f"/portal/requests/{ticket.identifier}/reply/", {"body": f"Reply {n}"})
        assert answer.status_code == 302
    assert "_messages" not in client.session
    page = client.get(f"/portal/requests/{ticket.identifier}/").content.decode()
    assert page.count('class="message message-success"') == RecentMessagesStorage.keep
    assert ticket.events.filter(kind="reply").count() == RecentMessagesStorage.keep + 15
