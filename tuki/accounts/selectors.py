"""Reads of people."""

from __future__ import annotations

from tuki.accounts.models import Role, User


def staff_choices() -> list[tuple[int, str]]:
    """The supplier's active staff as ``(id, name)`` pairs by name: whom a request can be assigned to."""
    staff = User.objects.filter(role__in=[Role.AGENT, Role.MANAGER], is_active=True)
    return list(staff.order_by("full_name").values_list("pk", "full_name"))
