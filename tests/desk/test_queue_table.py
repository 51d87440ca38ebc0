"""The queue's table: every row and cell as the agents see them, whatever a request holds."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from tuki.tickets.services import ticket_assign, ticket_create, ticket_transition


def test_every_row_shows_its_cells_escaped_with_or_without_a_service_level(
    client: Client, agent: Any, anna: Any, agreement_a: Any
) -> None:
    hostile = ticket_create(actor=anna, requester=anna.contact, subject='<img src=x onerror=alert(1)> & "co"')
    ticket_assign(actor=agent, ticket=hostile, assignee=agent)
    cancelled = ticket_create(actor=anna, requester=anna.contact, subject="Never mind")
    ticket_transition(actor=anna, ticket=cancelled, to="cancelled")
    client.force_login(agent)
    page = client.get("/desk/?queue=all").content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1].split("</tbody>")[0], re.S)
    assert len(rows) == 2
    shown = next(row for row in rows if hostile.identifier in row)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;co&quot;" in shown
    assert f'href="/desk/requests/{hostile.identifier}/"' in shown
    assert agent.full_name in shown and anna.full_name in shown and "Org A Oy" in shown
    assert "sla-badge sla-running" in shown
    gone = next(row for row in rows if cancelled.identifier in row)
    # A cancelled request is not measured: it says so, as its page does, instead of an empty cell.
    assert "sla-badge sla-no_outcome" in gone and "<td>–</td>" in gone
    assert "<img" not in page.split("<tbody>")[1]
