"""Template filters of support requests."""

from django import template

from tuki.tickets.models import State

register = template.Library()


@register.filter(name="state_label")
def state_label(value: str) -> str:
    """The readable name of a lifecycle state stored in an event (e.g. "in_progress" -> "In progress")."""
    try:
        return str(State(value).label)
    except ValueError:  # a state that no longer exists, in an old event
        return value
