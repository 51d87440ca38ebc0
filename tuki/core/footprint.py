"""What a Tuki process leaves out of its memory when nothing in it can use it.

The job queue library (huey) imports the Redis client whenever it is installed, and the client brings its
asyncio half along: 19 MB resident in every web worker and job worker, used by nothing when ``REDIS_URL`` is
unset (the queue and the caches are then SQLite and files). It imports gevent too whenever that is installed
(the load test's tool brings it), for a greenlet consumer Tuki never runs: 5 MB more. The entry points of the
long-running processes (``tuki.wsgi`` and ``manage.py``) call :func:`leave_out_unused_clients` before Django
loads the settings.
"""

from __future__ import annotations

import os
import sys


def leave_out_unused_clients() -> None:
    """Without ``REDIS_URL``, make ``import redis`` fail as if the client were not installed: huey then does
    without it, and anything else that asks gets an ImportError instead of a connection nobody configured."""
    if not os.environ.get("REDIS_URL"):
        sys.modules.setdefault("redis", None)  # type: ignore[arg-type]
    # The consumer runs threads (HUEY["consumer"] in the settings); nothing of Tuki runs on greenlets.
    sys.modules.setdefault("gevent", None)  # type: ignore[arg-type]
