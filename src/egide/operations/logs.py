"""Log lines as JSON (LOG_FORMAT=json, for a server's log collector) or as text (the default, for a laptop), each
with the request id of the request or task that wrote it (egide.operations.request_id).

The standard library's logging does the work: a filter adds the request id to every record, whatever logger wrote
it (Django's, the task worker's, Égide's), and a small formatter writes the record as one JSON object per line,
with the fields a caller passed in `extra=` (the access log's method, path, status…) as fields of their own.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from egide.operations import request_id

# The attributes every LogRecord has: whatever else a record holds came from `extra=` and is written as a field,
# except Django's `request` (its text holds the query string, which is never logged) and `server_time`.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "request",
    "server_time",
}


class RequestIdFilter(logging.Filter):
    """Gives every record the current request id (empty outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not getattr(record, "request_id", ""):
            # Django logs a request's error status after the middleware returned: the request holds its id.
            record.request_id = request_id.current() or str(getattr(request, "request_id", "") or "")
        if request is not None and isinstance(record.args, tuple):
            # Django's "Not Found: /path" lines: the path with its secrets (an invitation's) replaced.
            from egide.operations.middleware import logged_path

            path = getattr(request, "path", None)
            record.args = tuple(logged_path(request) if arg == path else arg for arg in record.args)
        return True


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in record.__dict__.items() if key not in _STANDARD and not key.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the caller's extra
    fields, and the exception's traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.current(),
        }
        for key, value in extra_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The message as it was, followed by the caller's extra fields and the request id, when there are any."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = extra_fields(record)
        identifier = getattr(record, "request_id", "")
        if identifier:
            fields["request_id"] = identifier
        if not fields:
            return text
        first, newline, rest = text.partition("\n")
        suffix = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{first} {suffix}{newline}{rest}"


def logging_config(*, log_format: str, level: str, debug: bool) -> dict[str, Any]:
    """Django's LOGGING: one console handler, JSON or text, with the request id on every record. Django's own
    loggers write through the root's handler, once."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "egide.operations.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "egide.operations.logs.JsonFormatter"},
            "text": {"()": "egide.operations.logs.TextFormatter", "format": "%(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": formatter},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": [], "level": "INFO" if debug else level, "propagate": True},
            # One line per request, written by egide.operations.middleware (INFO): on by default on a server.
            "egide.access": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }
