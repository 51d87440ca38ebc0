"""The integration guide's example script, run as a customer's desk would run it, against a live server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import token_for
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_reply, ticket_transition

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "escalate.py"


def run(live_server: Any, token: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), "--base", live_server.url, "--reference", "INC0042", *extra]
    environment = {**os.environ, "TUKI_API_TOKEN": token}
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60, check=True)  # noqa: S603


def test_the_example_escalates_once_and_follows_to_the_resolution(
    live_server: Any, anna: Any, agent: Any, agreement_a: Any
) -> None:
    token = token_for(anna)
    first = run(live_server, token, "--subject", "Invoices are not sent")
    assert first.stdout.startswith("filed SR-")
    again = run(live_server, token, "--subject", "Invoices are not sent")
    assert again.stdout.startswith("already filed as SR-") and Ticket.objects.count() == 1
    ticket = Ticket.objects.get()

    def agent_works() -> None:
        time.sleep(1.5)
        ticket_reply(actor=agent, ticket=ticket, body="Fixed the mail queue.")
        ticket_transition(actor=agent, ticket=ticket, to="resolved")

    worker = threading.Thread(target=agent_works)
    worker.start()
    followed = run(
        live_server, token, "--subject", "Invoices are not sent", "--follow", "--every", "0.5", "--limit", "30"
    )
    worker.join()
    assert "reply from Aino Agentti: Fixed the mail queue." in followed.stdout
    assert followed.stdout.rstrip().endswith("state: resolved")
