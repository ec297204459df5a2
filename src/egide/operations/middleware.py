"""The first middleware: gives each request its id (egide.operations.request_id), returns it in X-Request-ID,
writes one access-log line per request, and measures it when metrics are on.

The access line (logger `egide.access`, INFO) holds the method, the path without its query string (query strings
are never logged: an address may carry a token or a search that is nobody's business), the status, the duration in
milliseconds, the user's id and the request id. The parts of a path that are secrets (a password-reset link's
token, an invitation's secret) are replaced by `…`.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from egide.operations import instruments, request_id

logger = logging.getLogger("egide.access")

RESPONSE_HEADER = "X-Request-ID"
# Names of URL parameters whose values are secrets: never written to a log.
SECRET_PARAMETERS = frozenset({"token", "secret", "uidb64", "key"})
REDACTED = "…"
UNMATCHED = "unmatched"
# Methods measured under their own name; any other a client invents is counted as "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def logged_path(request: HttpRequest) -> str:
    """The path as the log writes it: no query string, secrets in it replaced."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_PARAMETERS and str(value):
                path = path.replace(str(value), REDACTED)
    return path


def view_name(request: HttpRequest) -> str:
    """The view's name for the metrics (a bounded set of labels): its URL name, else `unmatched`."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match._func_path or UNMATCHED


def user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(user.pk)
    return None


class RequestMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = str(getattr(settings, "EGIDE_REQUEST_ID_HEADER", "") or "")
        self.access_log = bool(getattr(settings, "EGIDE_ACCESS_LOG", False))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        identifier = request_id.chosen(request.headers.get(self.header)) if self.header else request_id.new_id()
        request.request_id = identifier  # type: ignore[attr-defined]
        started = time.perf_counter()
        with request_id.bound(identifier):
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response[RESPONSE_HEADER] = identifier
            if self.access_log:
                logger.info(
                    "%s %s %s",
                    request.method,
                    logged_path(request),
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": logged_path(request),
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                        "user_id": user_id(request),
                        "view": view_name(request),
                    },
                )
            if instruments.enabled():
                from egide.operations import metrics

                metrics.request_observed(
                    view=view_name(request),
                    method=request.method if request.method in METHODS else "other",
                    status=response.status_code,
                    seconds=seconds,
                )
        return response
