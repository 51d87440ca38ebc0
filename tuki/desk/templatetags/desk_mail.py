"""The desk navigation's count of mail waiting for an agent's decision."""

from __future__ import annotations

from typing import Any

from django import template

from tuki.core.scoping import visible_to
from tuki.mail.models import InboundMessage, InboundStatus

register = template.Library()


@register.simple_tag
def unverified_mail_count(user: Any) -> int:
    """Mail from a contact's address whose sender could not be verified (one indexed count per page)."""
    if not getattr(user, "is_supplier_staff", False):
        return 0
    return visible_to(user, InboundMessage).filter(status=InboundStatus.UNVERIFIED).count()
