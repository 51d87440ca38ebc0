"""Outgoing mail carries no remote resource: every kind of mail Tuki sends, with hostile text in it, through a real
SMTP server, is read back and searched for anything a mail program would fetch when showing it.

A remote image in a mail is a tracking pixel: it tells its author when, where and by whom the mail was read.
Images become plain links; srcset, background attributes, url() in styles and <link> do not go out at all.
"""

from __future__ import annotations

import email
import re
from email.message import EmailMessage as ParsedMessage
from email.policy import default
from html.parser import HTMLParser
from typing import Any

from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import reverse

from tests.mail.messages import mail as inbound_mail
from tests.sla.test_sweep import hki
from tuki.mail.intake.entry import intake
from tuki.mail.models import InboundSource
from tuki.mail.sla_notices import send_digests
from tuki.sla.tasks import sla_sweep
from tuki.tickets.models import State
from tuki.tickets.services import ticket_assign, ticket_create, ticket_reply, ticket_transition

EVIL = "evil.example"
HOSTILE = (
    "Katso kuvaa:\n\n"
    "![x](https://evil.example/p.png?agent=1)\n\n"
    '<img src="https://evil.example/raw.png" alt="raaka">\n\n'
    '<p style="background: url(https://evil.example/bg.png)">tausta</p>\n\n'
    '<img srcset="https://evil.example/set.png 1x, https://evil.example/set2.png 2x" alt="sarja">\n\n'
    '<table background="https://evil.example/table.png"><tr><td>solu</td></tr></table>\n\n'
    '<link rel="stylesheet" href="https://evil.example/style.css">\n\n'
    '<video poster="https://evil.example/poster.png"></video>\n\n'
    "[![linkitetty](https://evil.example/inner.png)](https://evil.example/page)"
)
HOSTILE_SUBJECT = 'Kirjautuminen <img src="https://evil.example/subject.png"> ![s](https://evil.example/s.png)'
HOSTILE_HTML = (
    '<html><head><link rel="stylesheet" href="https://evil.example/a.css"><style>@import url(https://evil.example/'
    'b.css);</style></head><body background="https://evil.example/body.png"><img src="https://evil.example/c.png"'
    ' alt="kuva"><div style="background-image:url(https://evil.example/d.png)">x</div>'
    '<picture><source srcset="https://evil.example/e.png"><img src="https://evil.example/f.png"></picture>'
    '<!--[if mso]><img src="https://evil.example/g.png"><![endif]--></body></html>'
)
# Tags and attributes that make a mail program fetch something by themselves.
LOADING_TAGS = {"img", "image", "link", "style", "script", "iframe", "frame", "object", "embed", "video", "audio"}
LOADING_TAGS |= {"source", "track", "picture", "svg", "input", "base", "applet", "bgsound"}
LOADING_ATTRIBUTES = {"src", "srcset", "background", "poster", "data", "lowsrc", "dynsrc", "xlink:href", "action"}
LOADING_ATTRIBUTES |= {"formaction", "longdesc", "usemap", "codebase", "archive", "profile", "manifest", "ping"}


class _Loads(HTMLParser):
    """Everything in an HTML part that would be fetched, as (tag, attribute, value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LOADING_TAGS:
            self.found.append((tag, "", ""))
        for name, value in attrs:
            value = value or ""
            if name in LOADING_ATTRIBUTES or (name == "style" and re.search(r"url|image|@import|\\", value, re.I)):
                self.found.append((tag, name, value))
            elif EVIL in value and not (tag == "a" and name == "href"):
                self.found.append((tag, name, value))
            elif tag == "a" and name == "href":
                self.links.append(value)

    def handle_comment(self, data: str) -> None:
        self.found.append(("<!--", "", data))  # Outlook reads markup in conditional comments


def remote_references(raw: bytes) -> list[str]:
    """Every remote reference in a whole message as it was sent: in every HTML part, and in any MIME header or
    part type that points outside the message. Plain text parts are shown as text and fetch nothing; they keep
    what the writer wrote."""
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, ParsedMessage)
    problems = []
    for part in message.walk():
        kind = part.get_content_type()
        if part.is_multipart():
            continue
        if kind not in ("text/plain", "text/html"):
            problems.append(f"a part of type {kind}")
        for header in ("Content-Location", "Content-Base"):
            if part[header]:
                problems.append(f"{header}: {part[header]}")
        if kind == "text/html":
            loads = _Loads()
            loads.feed(part.get_content())
            problems += [f"<{tag} {name}={value!r}>" for tag, name, value in loads.found]
    return problems


def html_links(raw: bytes) -> list[str]:
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, ParsedMessage)
    links = []
    for part in message.walk():
        if part.get_content_type() == "text/html":
            parser = _Loads()
            parser.feed(part.get_content())
            links += parser.links
    return links


def test_every_kind_of_mail_goes_out_without_remote_resources(
    smtp_server: Any,
    client: Any,
    anna: Any,
    aaro: Any,
    agreement_a: Any,
    agent: Any,
    manager: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    manager.sla_digest = True
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        # A new request: the staff on duty hear with the description, the contact in copy with the identifier.
        ticket = ticket_create(
            actor=anna, requester=anna.contact, subject=HOSTILE_SUBJECT, description=HOSTILE, cc=[aaro], priority=2,
            now=hki(2027, 12, 7, 8),
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(hki(2027, 12, 7, 16, 30))  # the agent's SLA notices, one mail each
    assert send_digests(hki(2027, 12, 7, 17)) == 1  # the manager's digest
    with django_capture_on_commit_callbacks(execute=True):
        later = hki(2027, 12, 7, 17, 5)
        ticket_assign(actor=manager, ticket=ticket, assignee=agent, now=later)  # the assignee hears, with the text
        ticket_reply(actor=agent, ticket=ticket, body=HOSTILE, now=later)  # the customer side hears the reply
        ticket_reply(actor=anna, ticket=ticket, body=HOSTILE, now=later)  # the assignee hears the customer's answer
        ticket_transition(actor=agent, ticket=ticket, to=State.RESOLVED, now=later)  # the customer side hears
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=anna, ticket=ticket, to=State.REOPENED, now=later)
    client.post(reverse("accounts:password_reset"), {"email": anna.email})
    with django_capture_on_commit_callbacks(execute=True):  # a stranger gets the automatic answer
        intake(
            inbound_mail(sender="kalle@stranger.example", subject=HOSTILE_SUBJECT, text=HOSTILE, html=HOSTILE_HTML),
            source=InboundSource.PIPE,
        )
    # Mail that other code may send one day, HTML in every place a message can carry it.
    html_body = EmailMessage("HTML", HOSTILE_HTML, to=["someone@example.com"])
    html_body.content_subtype = "html"
    alternative = EmailMultiAlternatives("Alternative", "text", to=["someone@example.com"])
    alternative.attach_alternative(HOSTILE_HTML, "text/html")
    alternative.attach("page.html", HOSTILE_HTML, "text/html")
    mail.get_connection().send_messages([html_body, alternative])

    sent = [envelope.content for envelope in smtp_server.envelopes]
    subjects = {str(email.message_from_bytes(raw, policy=default)["Subject"]) for raw in sent}
    assert len(sent) >= 14, subjects
    for kind in ("SLA", "Salasana", "automaattinen", "Kirjautuminen", "HTML", "Alternative"):
        assert any(kind.lower() in subject.lower() for subject in subjects), (kind, subjects)
    assert sum(b"text/html" in raw for raw in sent) >= 9
    for raw in sent:
        assert remote_references(raw) == [], raw.decode(errors="replace")

    # The images became links the reader may follow, named by their alt text.
    links = [link for raw in sent for link in html_links(raw)]
    assert "https://evil.example/p.png?agent=1" in links
    assert "https://evil.example/raw.png" in links
    assert "https://evil.example/c.png" in links
    staff_mail = next(raw for raw in sent if b"agent@supplier.example" in raw and b"text/html" in raw)
    html = next(
        p for p in email.message_from_bytes(staff_mail, policy=default).walk() if p.get_content_type() == "text/html"
    )
    assert re.search(r'<a href="https://evil\.example/p\.png\?agent=1"[^>]*>x</a>', html.get_content())
    assert re.search(r'<a href="https://evil\.example/raw\.png"[^>]*>raaka</a>', html.get_content())
    assert "tausta" in html.get_content() and "solu" in html.get_content()  # the text stays, the loading goes
