"""Where the current change comes from: the client's address and the channel (web, API or command line).

`AuditContextMiddleware` sets it for each request; outside a request (management commands, scripts) it is the
default: no address, channel "cli".
"""

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

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


def normalise_ip(value: str | None) -> str | None:
    """A valid IPv4 or IPv6 address in its canonical form, or None."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]" or "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _trusted_proxies() -> int:
    """How many proxies in front of the platform append to X-Forwarded-For (True counts as one)."""
    trust = getattr(settings, "EGIDE_TRUST_X_FORWARDED_FOR", False)
    try:
        return max(int(trust), 0)
    except (TypeError, ValueError):
        return 1 if trust else 0


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind trusted proxies, the address the outermost one saw.

    X-Forwarded-For is read from the right: each trusted proxy appends the address it received the request from,
    so the entries further left were written by the client and can be forged.
    """
    proxies = _trusted_proxies()
    if proxies:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [entry for entry in forwarded if entry]
        if forwarded:
            ip = normalise_ip(forwarded[-min(proxies, len(forwarded))])
            if ip is not None:
                return ip
    return normalise_ip(request.META.get("REMOTE_ADDR"))


def request_channel(request: HttpRequest) -> str:
    return "api" if request.path_info.startswith(API_PREFIX) else "web"


def from_request(request: HttpRequest) -> AuditContext:
    return AuditContext(ip=client_ip(request), channel=request_channel(request))
