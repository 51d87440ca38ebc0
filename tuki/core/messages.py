"""Where the messages shown on the next page wait."""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage.fallback import FallbackStorage


class RecentMessagesStorage(FallbackStorage):
    """Django's cookie-then-session storage, keeping only the newest messages not yet shown.

    A message is meant for the page after a form: a client that posts without following the redirects (a script,
    a double submit, several tabs) would otherwise pile up every message, overflow the cookie into the session,
    and write an ever larger session on every request.
    """

    keep = 10

    def _store(self, messages: list[Any], response: Any, *args: Any, **kwargs: Any) -> list[Any]:
        # _store is how Django's storages say "keep these"; its type stubs leave it out.
        unstored: list[Any] = super()._store(messages[-self.keep :], response, *args, **kwargs)  # type: ignore[misc]
        return unstored
