"""What the requests domain announces, for other domains and channels to react to without being imported here.

``event_recorded`` is sent once the transaction that recorded a request's event has committed, with the event's
id: the mail channel subscribes to it to notify people (:mod:`tuki.mail.receivers`). ``attachment_downloaded``
is sent when a file is served; the domain's own receivers write it to the audit log.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

event_recorded = Signal()

# Sent by the one place that serves attachments, before the file goes out, with ``attachment``, ``user`` and
# ``address``. Sent plainly, not robustly: a receiver that fails (the audit log) stops the download.
attachment_downloaded = Signal()


def announce_event(event_id: int) -> None:
    """Send :data:`event_recorded` after the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(_send, event_id))


def _send(event_id: int) -> None:
    # One receiver's failure (a queue that is away) must neither stop the others nor undo the committed write.
    for receiver, result in event_recorded.send_robust(sender=None, event_id=event_id):
        if isinstance(result, Exception):
            logger.error("%s failed on event %s", receiver, event_id, exc_info=result)
