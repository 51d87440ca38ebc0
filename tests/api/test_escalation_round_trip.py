"""A customer's first-line desk escalates a ticket to Tuki and hears back: it files through the API only, gets the
agent's reply and the resolution as signed webhooks on its own HTTP server, checks each signature the way the
Standard Webhooks specification says (written out here, not with Tuki's own code), and confirms the resolution
through the API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.request
from typing import Any

import pytest

from tests.api.conftest import token_for
from tests.webhooks.conftest import Receiver, receiver, subscribe
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_reply, ticket_transition

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["receiver"]  # the webhook receiver fixture, a real HTTP server


def call(live_server: Any, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """What the first-line desk's integration does: JSON over HTTP with its token, nothing of Tuki's code."""
    request = urllib.request.Request(  # noqa: S310  (the live test server)
        f"{live_server.url}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def signed_by(secret: str, headers: dict[str, str], body: str) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    lowered = {name.lower(): value for name, value in headers.items()}
    content = f"{lowered['webhook-id']}.{lowered['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    fresh = abs(time.time() - int(lowered["webhook-timestamp"])) < 300
    signatures = [part.split(",", 1)[1] for part in lowered["webhook-signature"].split() if part.startswith("v1,")]
    return fresh and any(hmac.compare_digest(expected, signature) for signature in signatures)


def wait_for(receiver: Receiver, event_type: str, seconds: float = 10) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for item in receiver.received:
            if item.message["type"] == event_type:
                return item
        time.sleep(0.1)
    raise AssertionError(f"no {event_type} among {receiver.types()}")


def test_an_escalated_ticket_comes_back_answered_and_resolved(
    live_server: Any, receiver: Receiver, anna: Any, agent: Any, agreement_a: Any
) -> None:
    token = token_for(anna)
    _subscription, secret = subscribe(anna, anna.contact.organisation, receiver.url())
    ticket = {
        "subject": "Laskut eivät lähde",
        "description": "Klo 9 jälkeen yksikään lasku ei ole lähtenyt.",
        "priority": 2,
        "external_reference": "INC0042",
    }

    status, filed = call(live_server, token, "POST", "/requests", ticket)
    assert status == 201 and filed["external_reference"] == "INC0042"
    # The desk's retry after a lost answer finds the same request.
    status, again = call(live_server, token, "POST", "/requests", ticket)
    assert (status, again["id"]) == (200, filed["id"]) and Ticket.objects.count() == 1

    request = Ticket.objects.get()
    ticket_reply(actor=agent, ticket=request, body="Postijono oli jumissa; käynnistetty uudelleen.")
    ticket_transition(actor=agent, ticket=request, to="resolved")

    replied = wait_for(receiver, "request.replied")
    resolved = wait_for(receiver, "request.state_changed")
    for delivery in (replied, resolved):
        assert signed_by(secret, delivery.headers, delivery.body)
        assert delivery.message["data"]["request"]["external_reference"] == "INC0042"
    assert not signed_by("whsec_" + base64.b64encode(b"x" * 32).decode(), replied.headers, replied.body)
    assert "Postijono oli jumissa" in replied.message["data"]["message"]["body"]
    assert resolved.message["data"]["request"]["state"] == "resolved"

    status, read = call(live_server, token, "GET", f"/requests/{filed['id']}")
    assert status == 200 and read["state"] == "resolved"
    assert any("Postijono oli jumissa" in event.get("body", "") for event in read["events"])
