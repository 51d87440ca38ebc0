"""The id of the web request being served, or of the job being run, for every log line they write.

A proxy in front may send its own id in ``X-Request-ID`` (nginx's ``$request_id``), so that its access log and
ours name the same request; one that does not look like an id is replaced, since it is the client's text and
ends up in every log line. The id goes back in the response's header, and into the jobs the request queues
(:func:`connect_jobs`): a notification mailed by the worker logs the id of the reply that caused it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from huey.signals import SIGNAL_ENQUEUED

HEADER = "X-Request-ID"
# Letters, digits and a few separators, short enough for a log line: a UUID, nginx's 32 hex digits, a trace id.
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# The keyword that carries the id through the queue; taken off again before the job's function is called.
JOB_KEYWORD = "_tuki_request_id"

_current: ContextVar[str] = ContextVar("tuki_request_id", default="")


def current() -> str:
    """The id of what this thread is doing now ("" outside a request or job)."""
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


def accepted(header: str | None) -> str:
    """The proxy's id if it is a sane one, else a new one."""
    return header if header and _SANE.fullmatch(header) else new_id()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted(request.headers.get(HEADER))
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


# The id a task ran under stays on the task object, for its retry: Huey queues the same object again.
_TASK_ATTRIBUTE = "_tuki_request_id"


def _on_enqueue(signal: str, task: Any) -> None:
    # In a request, or in a job that queues another (or retries itself), the id travels with the task.
    request_id = getattr(task, _TASK_ATTRIBUTE, None) or current()
    if request_id and task.kwargs is not None:
        task.kwargs.setdefault(JOB_KEYWORD, request_id)


def _before_job(task: Any) -> None:
    # Every job runs under an id: its request's, or its own for periodic jobs and jobs queued from a shell.
    # (Huey's own "Executing" line comes just before this hook; its "executed in" line and the job's come after.)
    carried = task.kwargs.pop(JOB_KEYWORD, None) if task.kwargs else None
    setattr(task, _TASK_ATTRIBUTE, carried or f"job-{task.id}")
    task._tuki_request_id_token = _current.set(getattr(task, _TASK_ATTRIBUTE))


def _after_job(task: Any, value: Any, exception: BaseException | None) -> None:
    # Back to what the thread had before: nothing for a worker's thread, the request's own id for a job run
    # in the request (the queue's immediate mode).
    token = getattr(task, "_tuki_request_id_token", None)
    if token is not None:
        del task._tuki_request_id_token
        _current.reset(token)


def connect_jobs(huey: Any) -> None:
    """Carry the current id into every task queued on ``huey`` and set it while the task runs."""
    huey.signal(SIGNAL_ENQUEUED)(_on_enqueue)
    huey.pre_execute(name="tuki_request_id")(_before_job)
    huey.post_execute(name="tuki_request_id")(_after_job)
