"""Template tags and filters of support requests."""

from django import template
from django.utils.safestring import SafeString

from tuki.tickets import timeline as timeline_module
from tuki.tickets.models import Ticket, TicketEvent

register = template.Library()


@register.filter(name="state_label")
def state_label(value: str) -> str:
    """The readable name of a lifecycle state stored in an event (e.g. "in_progress" -> "In progress")."""
    return timeline_module.state_label(value)


@register.simple_tag
def timeline(events: list[TicketEvent], ticket: Ticket, attachment_url: str) -> SafeString:
    """A request's history (:func:`tuki.tickets.timeline.timeline_html`)."""
    return timeline_module.timeline_html(events, ticket, attachment_url)
