from django import template
from django.utils.safestring import SafeString

from tuki.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text or "")


@register.filter(name="state_label")
def state_label(value: str) -> str:
    """The readable name of a lifecycle state stored in an event (e.g. "in_progress" -> "In progress")."""
    from tuki.tickets.models import State

    try:
        return str(State(value).label)
    except ValueError:
        return value
