"""Reading Tuki's own Message-IDs back: the mail intake uses these to find the request a reply belongs to."""

from __future__ import annotations

from typing import Any

import pytest

from tuki.mail.threading import (
    event_message_id,
    parse_ticket_identifier_from_message_id,
    thread_message_id,
    ticket_number_from_headers,
)
from tuki.tickets.models import Ticket


def test_own_ids_give_back_the_request_number(request_a: Ticket, anna: Any) -> None:
    event = request_a.events.get()
    assert parse_ticket_identifier_from_message_id(thread_message_id(request_a)) == request_a.pk
    assert parse_ticket_identifier_from_message_id(event_message_id(event, anna)) == request_a.pk
    assert parse_ticket_identifier_from_message_id(f" <TUKI.SR-{request_a.pk}@127.0.0.1> ") == request_a.pk


@pytest.mark.parametrize(
    "value",
    [
        "<tuki.sr-12@evil.example>",  # someone else's domain
        "<tuki.xx-12@127.0.0.1>",  # another prefix
        "<sr-12@127.0.0.1>",  # not ours
        "<tuki.sr-12@127.0.0.1.evil.example>",
        "<tuki.sr-@127.0.0.1>",
        "",
        "garbage",
    ],
)
def test_other_ids_give_nothing(value: str) -> None:
    assert parse_ticket_identifier_from_message_id(value) is None


def test_the_event_id_is_the_same_on_every_try_and_different_for_every_reader(
    request_a: Ticket, anna: Any, aaro: Any
) -> None:
    event = request_a.events.get()
    assert event_message_id(event, anna) == event_message_id(event, anna)
    assert event_message_id(event, anna) != event_message_id(event, aaro.user)


def test_the_request_is_found_among_other_servers_ids() -> None:
    references = "<abc@mail.example.com>\r\n <tuki.sr-7.e-9.0123abcd@127.0.0.1> <tuki.sr-8@127.0.0.1>"
    assert ticket_number_from_headers("<reply-to-other@mail.example.com>", references) == 7
    assert ticket_number_from_headers(None, "<abc@mail.example.com>") is None
