"""Minutes shown as hours and minutes in the reader's language."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.timesheets import stopwatch
from tuki.timesheets.models import Timer

register = template.Library()


@register.filter
def hours_minutes(minutes: int | None) -> str:
    """``90`` as "1 h 30 min"; negative amounts (corrections) keep their sign."""
    return hours_minutes_as(hours_minutes_pattern(), minutes)


def hours_minutes_pattern() -> str:
    """The active language's pattern of :func:`hours_minutes`: a page that writes hundreds of figures in Python
    translates it once and passes it to :func:`hours_minutes_as`."""
    return _("%(hours)d h %(minutes)02d min")


def hours_minutes_as(pattern: str, minutes: int | None) -> str:
    total = int(minutes or 0)
    sign = "−" if total < 0 else ""
    hours, rest = divmod(abs(total), 60)
    return sign + pattern % {"hours": hours, "minutes": rest}


@register.filter
def bar_percent(used: int, included: int) -> int:
    """The filled share of a used/remaining bar, 0 to 100."""
    if included <= 0:
        return 100 if used > 0 else 0
    return max(0, min(100, used * 100 // included))


@register.filter
def timer_seconds(timer: Timer) -> int:
    """The seconds a timer holds now (running or not)."""
    return stopwatch.elapsed_seconds(timer.banked_seconds, timer.running_since, timezone.now())


@register.filter
def clock(seconds: int) -> str:
    """Seconds as a stopwatch shows them, 1:05:09; the page's script keeps a running one ticking in this form."""
    minutes, second = divmod(max(0, int(seconds)), 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour}:{minute:02d}:{second:02d}"
