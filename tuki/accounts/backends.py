"""How a signed-in user is read back on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tuki.accounts.models import User
from tuki.core.prepared import PreparedGet

# Every page of Online Support Services needs both (who may open it, whose requests to show), so one query
# instead of two; for the supplier's staff the join finds nothing and costs nothing. The contact's organisation
# comes along: pages name it, and a new request is indexed for search by it. Every request makes this read, so
# its SQL is made once per process.
_USER_WITH_CONTACT = PreparedGet(User, related=["contact__organisation"])


class UserBackend(ModelBackend):
    """Django's password backend, reading a contact's record together with the user."""

    def get_user(self, user_id: Any) -> User | None:
        user = _USER_WITH_CONTACT.get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
