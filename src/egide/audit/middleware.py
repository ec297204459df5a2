"""Sets the audit context (client address and channel) for the duration of each request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from egide.audit.context import activate, deactivate, from_request


class AuditContextMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = activate(from_request(request))
        try:
            return self.get_response(request)
        finally:
            deactivate(token)
