"""A load test of the production layout with Locust: agents and contacts at work, through nginx over HTTPS.

    scripts/production_demo.sh start
    locust -f bench/load.py --headless --host https://127.0.0.1:8443 -u 50 -r 10 -t 5m --csv var/load

Bounded in time by ``-t``, loopback only. Agents (the demo's agent@ and ville@) open the default queue, a filtered
queue and request pages, and reply; contacts (Anna, Antti) list their requests, open them and file new ones. On
another data set (bench/faults.py --requests loads bench/desk.py's), its people log in instead:
``TUKI_LOAD_AGENTS`` and ``TUKI_LOAD_CONTACTS`` (comma-separated e-mail addresses) with ``TUKI_LOAD_AGENT_PASSWORD``
and ``TUKI_LOAD_CONTACT_PASSWORD``.
Every request is named by its page type, so the statistics are per page type. ``--host`` must be the layout's
address; the certificate is the layout's own (``TUKI_LOAD_CA``, default var/production/tls/cert.pem).
"""

from __future__ import annotations

import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

DEMO_PASSWORD = "tuki-demo-2026"  # noqa: S105 - the published demo password (README)
CA = os.environ.get("TUKI_LOAD_CA", "var/production/tls/cert.pem")
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_REQUEST_LINK = re.compile(r'href="/(?:desk|portal)/requests/((?:SR)-\d+)/"')


# What the load test writes, so that bench/faults.py can count it in the database afterwards.
SUBJECT = "Load test: the search is slow"
REPLY = "Thank you, we are looking into it."


def _saved_or_failed(answer: Any) -> None:
    """A form that comes back (200) was not saved: a failure, though HTTP calls it a success."""
    if answer.status_code != 302:
        answer.failure(f"not saved: {answer.status_code}")


def _people(variable: str, demo: str) -> tuple[str, ...]:
    return tuple(email.strip() for email in os.environ.get(variable, demo).split(",") if email.strip())


class _Person(HttpUser):
    abstract = True
    emails: tuple[str, ...] = ()
    password = DEMO_PASSWORD
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.verify = CA
        self.client.trust_env = False
        page = self.client.get("/accounts/login/", name="login form")
        answer = self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": self._token(page.text),
                "username": random.choice(self.emails),
                "password": self.password,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )
        answer.raise_for_status()
        self.identifiers: list[str] = []

    def _token(self, text: str) -> str:
        match = _TOKEN.search(text)
        return match[1] if match else ""

    def _remember(self, text: str) -> None:
        found = _REQUEST_LINK.findall(text)
        if found:
            self.identifiers = sorted(set(found))[:50]


class Agent(_Person):
    emails = _people("TUKI_LOAD_AGENTS", "agent@tuki.example,ville@tuki.example")
    password = os.environ.get("TUKI_LOAD_AGENT_PASSWORD", DEMO_PASSWORD)
    weight = 2

    @task(4)
    def queue(self) -> None:
        self._remember(self.client.get("/desk/", name="desk queue").text)

    @task(2)
    def filtered_queue(self) -> None:
        self.client.get("/desk/?state=new&priority=2", name="desk queue filtered")

    @task(4)
    def request_page(self) -> None:
        if self.identifiers:
            self.client.get(f"/desk/requests/{random.choice(self.identifiers)}/", name="desk request page")

    @task(1)
    def reply(self) -> None:
        if not self.identifiers:
            return
        identifier = random.choice(self.identifiers)
        page = self.client.get(f"/desk/requests/{identifier}/", name="desk request page")
        with self.client.post(
            f"/desk/requests/{identifier}/reply/",
            data={"csrfmiddlewaretoken": self._token(page.text), "body": REPLY},
            headers={"Referer": f"{self.host}/desk/requests/{identifier}/"},
            name="desk reply",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            _saved_or_failed(answer)


class Contact(_Person):
    emails = _people("TUKI_LOAD_CONTACTS", "anna@asiakas-a.example,antti@asiakas-a.example")
    password = os.environ.get("TUKI_LOAD_CONTACT_PASSWORD", DEMO_PASSWORD)
    weight = 1

    @task(3)
    def requests(self) -> None:
        self._remember(self.client.get("/portal/requests/", name="portal requests").text)

    @task(3)
    def request_page(self) -> None:
        if self.identifiers:
            self.client.get(f"/portal/requests/{random.choice(self.identifiers)}/", name="portal request page")

    @task(1)
    def file_request(self) -> None:
        form = self.client.get("/portal/requests/new/", name="portal new request form")
        data: dict[str, Any] = {
            "csrfmiddlewaretoken": self._token(form.text),
            "subject": SUBJECT,
            "description": "Filed by the load test.",
            "kind": "question",
            "priority": "4",
            "submission_key": f"load-{random.getrandbits(64)}",
        }
        with self.client.post(
            "/portal/requests/new/",
            data=data,
            headers={"Referer": f"{self.host}/portal/requests/new/"},
            name="portal file request",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            _saved_or_failed(answer)
