"""Minutes shown as hours and minutes in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hours_minutes(minutes: int | None) -> str:
    """``90`` as "1 h 30 min"; negative amounts (corrections) keep their sign."""
    total = int(minutes or 0)
    sign = "−" if total < 0 else ""
    hours, rest = divmod(abs(total), 60)
    return sign + _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}


@register.filter
def bar_percent(used: int, included: int) -> int:
    """The filled share of a used/remaining bar, 0 to 100."""
    if included <= 0:
        return 100 if used > 0 else 0
    return max(0, min(100, used * 100 // included))
