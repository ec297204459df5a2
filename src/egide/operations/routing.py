"""The read replica (DATABASE_REPLICA_URL): which database each query of a request goes to.

The rule, for a request:
- every write goes to the primary (`default`), and so does every read that follows a write in the same request;
- reads go to the replica only for a GET or HEAD of an anonymous visitor (the public pages) or of an export
  (a view whose URL name holds "export"), and only once the view is known (the log-in's own reads of the session
  and the user are made on the primary);
- a client that wrote in the last EGIDE_REPLICA_PIN_SECONDS (a cookie set by the response to a request that wrote)
  reads from the primary, so that nobody misses their own change while the replica catches up;
- inside a transaction on the primary, reads stay on the primary;
- outside a request (commands, the task worker), everything goes to the primary.

Migrations run on the primary only; the replica is a copy of it that the database server keeps.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "egide_primary"
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(slots=True)
class Routing:
    """What the current request may read from; changed as the request goes."""

    replica: bool = False
    wrote: bool = False


_current: ContextVar[Routing | None] = ContextVar("egide_routing", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reads_from_replica(*, method: str, anonymous: bool, view_name: str, pinned: bool) -> bool:
    """Whether a request's reads may go to the replica once its view is known (the rule of the module)."""
    if pinned or method not in READ_METHODS:
        return False
    return anonymous or "export" in view_name


class ReplicaRouter:
    """Django's database router for the primary and its replica."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        routing = _current.get()
        if routing is None or routing.wrote or not routing.replica or not replica_configured():
            return PRIMARY
        if transaction.get_connection(PRIMARY).in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        routing = _current.get()
        if routing is not None:
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # both databases hold the same rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaMiddleware:
    """Sets the request's routing (after the authentication middleware, which reads the user on the primary) and
    pins a client that wrote to the primary for EGIDE_REPLICA_PIN_SECONDS."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        routing = Routing()
        token = _current.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if routing.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=int(settings.EGIDE_REPLICA_PIN_SECONDS),
                httponly=True,
                secure=bool(settings.SESSION_COOKIE_SECURE),
                samesite="Lax",
            )
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        routing = _current.get()
        if routing is None or not replica_configured():
            return
        match = request.resolver_match
        user = getattr(request, "user", None)
        routing.replica = (
            reads_from_replica(
                method=str(request.method),
                anonymous=user is None or not user.is_authenticated,
                view_name=match.view_name if match is not None else "",
                pinned=PIN_COOKIE in request.COOKIES,
            )
            and not routing.wrote
        )
