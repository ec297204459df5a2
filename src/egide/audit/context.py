"""Where the current change comes from: the client's address and the channel (web, API or command line).

`AuditContextMiddleware` sets it for each request, the address read as egide.core.client_ip says (the log-in
throttle reads it the same way); outside a request (management commands, scripts) it is the
default: no address, channel "cli".
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.http import HttpRequest

from egide.core.client_ip import client_ip, normalise_ip

API_PREFIX = "/api/"


@dataclass(frozen=True, slots=True)
class AuditContext:
    ip: str | None = None
    channel: str = "cli"


DEFAULT_CONTEXT = AuditContext()

_current: ContextVar[AuditContext] = ContextVar("egide_audit_context", default=DEFAULT_CONTEXT)


def current() -> AuditContext:
    """The context of the change being made now."""
    return _current.get()


def activate(context: AuditContext) -> Token[AuditContext]:
    return _current.set(context)


def deactivate(token: Token[AuditContext]) -> None:
    _current.reset(token)


@contextmanager
def audit_context(*, ip: str | None = None, channel: str = "cli") -> Iterator[AuditContext]:
    """Record the changes made inside the block as coming from this address and channel (for tasks and tests)."""
    context = AuditContext(ip=normalise_ip(ip), channel=channel)
    token = activate(context)
    try:
        yield context
    finally:
        deactivate(token)


def request_channel(request: HttpRequest) -> str:
    return "api" if request.path_info.startswith(API_PREFIX) else "web"


def from_request(request: HttpRequest) -> AuditContext:
    return AuditContext(ip=client_ip(request), channel=request_channel(request))
