"""Which API tokens a person sees on their settings page."""

from __future__ import annotations

from django.db.models import QuerySet

from tuki.accounts.models import User
from tuki.apitokens.models import ApiToken
from tuki.core.scoping import visible_to


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """A contact's through their scope (a customer manager sees the whole organisation's); the staff's own."""
    tokens = visible_to(user, ApiToken).select_related("user", "created_by")
    if user.is_supplier_staff:
        tokens = tokens.filter(user=user) if not user.is_manager else tokens.filter(organisation__isnull=True)
    return tokens
