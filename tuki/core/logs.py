"""Log lines as JSON objects, one a line, for a log shipper to read without guessing at formats.

Every line carries the id of the request or job that wrote it (:mod:`tuki.core.request_id`), so that one
request's lines, its proxy's access line and the lines of the jobs it queued can be found together.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from tuki.core import request_id

# What every LogRecord has; anything else on a record was passed in ``extra=`` and is written as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record, for any formatter to use."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.current()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.current(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a field passed in extra= that JSON cannot hold is written as its text, never lost.
        return json.dumps(entry, ensure_ascii=False, default=str)
