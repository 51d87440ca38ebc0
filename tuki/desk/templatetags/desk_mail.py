"""The desk navigation's count of mail waiting for an agent's decision."""

from __future__ import annotations

from typing import Any

from django import template

from tuki.mail.selectors import unverified_count

register = template.Library()


@register.simple_tag
def unverified_mail_count(user: Any) -> int:
    """Mail from a contact's address whose sender could not be verified (kept per process until mail changes)."""
    if not getattr(user, "is_supplier_staff", False):
        return 0
    return unverified_count()
