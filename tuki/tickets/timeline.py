"""A request's history as HTML, built in Python: the desk's and the portal's request pages and the portal's poll.

In the template language each event was a dozen lookups, filters and tags (the localised date, the actor's name or
the fallback, the kind's label, the state's label, the markdown, each attachment's link): at five events a request
page spent more on its history than on any query. Here the same markup costs a fraction of that. Every value is
escaped, as in :mod:`tuki.desk.queue_table`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tuki.core.markdown import render_markdown
from tuki.tickets.models import EventKind, State, Ticket, TicketEvent


def state_label(value: str) -> str:
    """The readable name of a lifecycle state stored in an event (e.g. "in_progress" -> "In progress")."""
    try:
        return str(State(value).label)
    except ValueError:  # a state that no longer exists, in an old event
        return value


def _text(value: Any) -> str:
    """A value as the template language shows it: localised, then escaped unless already safe."""
    return conditional_escape(formats.localize(value))


def timeline_html(events: Iterable[TicketEvent], ticket: Ticket, attachment_url: str) -> SafeString:
    """The ``<ol class="timeline">`` of :func:`tuki.tickets.selectors.ticket_history`'s events, in the active
    language and time zone; ``attachment_url`` names the face's download view (it takes the request's identifier
    and the attachment's id)."""
    kinds = {value: _text(str(label)) for value, label in EventKind.choices}
    nobody = _text(_("Tuki"))
    internal = f" · <strong>{_text(_('internal'))}</strong>"
    parts = ['<ol class="timeline">']
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        when = formats.date_format(timezone.localtime(event.created_at), "SHORT_DATETIME_FORMAT")
        actor = event.actor.full_name if event.actor is not None else ""
        meta = f"{_text(when)} · {_text(actor) if actor else nobody} · {kinds.get(event.kind, _text(event.kind))}"
        if not event.public:
            meta += internal
        if data.get("to") and event.kind == EventKind.TRANSITION:
            meta += f" → {_text(state_label(data['to']))}"
        if data.get("caller_name"):
            meta += f" · {_text(data['caller_name'])}"
        if data.get("merged"):
            meta += f" · {_text(data['merged'])}"
        parts.append(('<li class="internal">' if not event.public else "<li>") + f'<div class="meta">{meta}</div>')
        if event.body:
            parts.append(f'<div class="message-body">{render_markdown(event.body)}</div>')
        if getattr(event, "has_files", False):
            files = "".join(
                f'<li><a href="{_text(reverse(attachment_url, args=[ticket.identifier, file.pk]))}" download>'
                f"{_text(file.name)} ({_text(filesizeformat(file.size))})</a></li>"
                for file in getattr(event, "files", ())
            )
            parts.append(f'<ul class="attachments">{files}</ul>')
        parts.append("</li>")
    parts.append("</ol>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped just above
