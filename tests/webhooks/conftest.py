"""A customer's webhook receiver: a real HTTP server on this machine, allowed by the supplier's settings."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tuki.accounts.models import Organisation, User
from tuki.webhooks.models import EventType, Subscription
from tuki.webhooks.services import subscription_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str

    @property
    def message(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """What the server received, and the status codes it answers with in turn (200 once they run out)."""

    port: int
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)

    def url(self, path: str = "/hooks/tuki") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def types(self) -> list[str]:
        return [item.message["type"] for item in self.received]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.TUKI_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            with lock:
                state.received.append(Received(self.path, dict(self.headers.items()), body))
                status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"x" * 10_000)  # a long error page is cut short

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


ALL_EVENTS = list(EventType.values)


def subscribe(owner: User, organisation: Organisation | None, url: str, events: list[str] | None = None) -> Any:
    """A subscription made through the service; returns it with its secret."""
    subscription, secret = subscription_create(
        actor=owner, organisation=organisation, url=url, event_types=events or ALL_EVENTS
    )
    assert isinstance(subscription, Subscription)
    return subscription, secret
