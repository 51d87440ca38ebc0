"""What the requests domain announces, for other domains and channels to react to without being imported here.

``event_recorded`` is sent once the transaction that recorded a request's events has committed, with their ids
(``event_ids``, in the order they were recorded): one event, or all the events of one act (see :func:`one_act`).
The mail channel subscribes to it to notify people (:mod:`tuki.mail.receivers`). ``attachment_downloaded``
is sent when a file is served; the domain's own receivers write it to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

event_recorded = Signal()

# Sent by the one place that serves attachments, before the file goes out, with ``attachment``, ``user`` and
# ``address``. Sent plainly, not robustly: a receiver that fails (the audit log) stops the download.
attachment_downloaded = Signal()


# The events announced so far by the act being recorded, or None outside one.
_act: ContextVar[list[int] | None] = ContextVar("tuki_tickets_act", default=None)


def announce_event(event_id: int) -> None:
    """Send :data:`event_recorded` after the current transaction commits (at once outside one).

    Inside :func:`one_act` the event waits for the act's other events and is announced with them."""
    act = _act.get()
    if act is not None:
        act.append(event_id)
    else:
        transaction.on_commit(partial(_send, (event_id,)))


@contextmanager
def one_act() -> Iterator[None]:
    """Announce every event recorded inside as one act, once, after the commit.

    An agent who replies, sets the request waiting and reassigns it in one submit makes three events through
    three services, and each service announces its own. Grouped here, the receivers get them together and the
    mail channel writes each person one mail about the act instead of one per change. The grouping lives at the
    announcement, not in the services: each service stays whole on its own, and the events in the history stay
    one per change. Call it inside the act's transaction; an act that fails announces nothing (the exception
    passes through, and the transaction's rollback drops what was recorded). Nested acts are the outer one's.
    """
    if _act.get() is not None:
        yield
        return
    events: list[int] = []
    token = _act.set(events)
    try:
        yield
    finally:
        _act.reset(token)
    if events:
        transaction.on_commit(partial(_send, tuple(events)))


def _send(event_ids: tuple[int, ...]) -> None:
    # One receiver's failure (a queue that is away) must neither stop the others nor undo the committed write.
    for receiver, result in event_recorded.send_robust(sender=None, event_ids=event_ids):
        if isinstance(result, Exception):
            logger.error("%s failed on events %s", receiver, event_ids, exc_info=result)
