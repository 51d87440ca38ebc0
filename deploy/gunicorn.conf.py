"""gunicorn's settings for Tuki in production (``gunicorn -c deploy/gunicorn.conf.py tuki.wsgi:application``).

The address comes from TUKI_BIND (one instance per address; nginx balances between them), the size from
TUKI_WEB_WORKERS and TUKI_WEB_THREADS. Access lines are JSON objects like the application's own log lines, with
the request id that nginx sent (and Tuki echoed), and the path without its query string (the calendar feed's
secret travels in one).
"""

import os

from prometheus_client import multiprocess

bind = os.environ.get("TUKI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TUKI_WEB_WORKERS", "2"))
threads = int(os.environ.get("TUKI_WEB_THREADS", "4"))
# Requests that take longer are cut: a worker stuck on one must come back for the others.
timeout = int(os.environ.get("TUKI_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then, so that no slow leak grows for weeks.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", '
    '"method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "seconds": %(L)s, '
    '"client": "%({x-forwarded-for}i)s"}'
)


def child_exit(server, worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    # The metrics of a worker that has gone stay counted, but its gauges must not (prometheus_client).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
