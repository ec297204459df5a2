"""The request id: one short token per request, in every log line written while it is served, returned to the
client in the X-Request-ID header, and carried into the background tasks the request queues.

A request id that a reverse proxy set (EGIDE_REQUEST_ID_HEADER, X-Request-ID by default) is kept when it is well
formed (letters, digits, `-`, `_`, `.`, `:`; at most 64 characters), so that the proxy's log and Égide's can be
joined; anything else is replaced by a new one, so that nothing a client sends can break a log line.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,64}")

_current: ContextVar[str] = ContextVar("egide_request_id", default="")


def new_id() -> str:
    return uuid.uuid4().hex


def well_formed(value: str | None) -> bool:
    return bool(value) and WELL_FORMED.fullmatch(value or "") is not None


def chosen(header_value: str | None) -> str:
    """The id to use for a request: the header's when well formed, else a new one."""
    return header_value if header_value is not None and well_formed(header_value) else new_id()


def current() -> str:
    """The id of the request (or task) being served now; empty outside both."""
    return _current.get()


def bind(request_id: str) -> Token[str]:
    """Bind an id until `unbind` (for code that starts and ends in two calls, like a task's signals)."""
    return _current.set(request_id)


def unbind(token: Token[str]) -> None:
    _current.reset(token)


@contextmanager
def bound(request_id: str) -> Iterator[str]:
    """Everything logged inside the block carries this id."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)
