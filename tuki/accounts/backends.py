"""How a signed-in user is read back on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tuki.accounts.models import User


class UserBackend(ModelBackend):
    """Django's password backend, reading a contact's record together with the user.

    Every page of Online Support Services needs both (who may open it, whose requests to show), so one query
    instead of two; for the supplier's staff the join finds nothing and costs nothing. The contact's organisation
    comes along: pages name it, and a new request is indexed for search by it.
    """

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("contact__organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
