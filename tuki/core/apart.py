"""Heavy work in a short-lived process of its own, started by the job that would otherwise do it.

A worker process keeps the memory its largest job ever needed: Python returns little of what it frees to the
system. Making every customer's monthly report (WeasyPrint's layout, the figures of a month at a million
requests) takes a worker from 71 MB to about 200 MB for good, where every other job needs under 100 MB. Run as
``manage.py <command>`` in a child, that memory goes back when the child exits. The child inherits the worker's
environment (the same settings, database and storage); its output goes to the worker's log.
"""

from __future__ import annotations

import logging
import subprocess
import sys

from django.conf import settings

logger = logging.getLogger(__name__)


def run_apart(command: str, *arguments: str, timeout: float) -> bool:
    """Run ``manage.py command arguments`` in a child process and wait for it; whether it succeeded. A failure
    or a child that overruns ``timeout`` seconds is logged with the end of its output and returned, not raised:
    the caller decides (a periodic job waits for its next run, a queued one raises to be retried)."""
    started = [sys.executable, str(settings.BASE_DIR / "manage.py"), command, *arguments]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, with our own arguments
            started, capture_output=True, text=True, timeout=timeout, check=False, cwd=settings.BASE_DIR
        )
    except subprocess.TimeoutExpired:
        logger.error("manage.py %s ran over %s s and was stopped", command, timeout)
        return False
    if done.returncode != 0:
        logger.error("manage.py %s failed (exit %s): %s", command, done.returncode, done.stderr[-2000:])
        return False
    if done.stdout.strip():
        logger.info("manage.py %s: %s", command, done.stdout.strip()[-2000:])
    return True
