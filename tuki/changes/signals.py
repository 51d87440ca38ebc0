"""What the change domain announces, for channels to react to without being imported here.

``change_moved`` is sent once the transaction that moved a change has committed, with the id of the move's event
(``event_id``). ``window_near`` is sent once a day-ahead reminder of a scheduled change's window has been claimed
(``change_id``, ``start``: the window start reminded of). The mail channel subscribes to both
(:mod:`tuki.mail.receivers`) and decides who hears of what.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

change_moved = Signal()
window_near = Signal()


def announce_move(event_id: int) -> None:
    transaction.on_commit(partial(_send, change_moved, event_id=event_id))


def announce_window_near(change_id: int, start: datetime) -> None:
    transaction.on_commit(partial(_send, window_near, change_id=change_id, start=start))


def _send(signal: Signal, **kwargs: object) -> None:
    # A receiver that fails (a queue that is away) must neither stop the others nor undo the committed write.
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            logger.error("%s failed on %s", receiver, kwargs, exc_info=result)
