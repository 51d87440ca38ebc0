from __future__ import annotations

from django import template

from tuki.accounts.models import User
from tuki.core.durations import format_minutes
from tuki.reports.selectors import may_see_reports

register = template.Library()


@register.filter
def hours_text(minutes: int | None) -> str:
    """Whole minutes as the report says them: "14 h 30 min", "45 min"."""
    return format_minutes(int(minutes or 0))


@register.simple_tag
def reports_visible(user: User) -> bool:
    """Whether the portal's menu offers the monthly reports to ``user``."""
    return may_see_reports(user)
