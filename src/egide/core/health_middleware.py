"""`/health/live` and `/health/ready` for a load balancer or a container's health check (egide.core.health).

Answered first in the chain of middleware, before the host name is checked (a load balancer's probe names the
process by its address, not by the site's name), before sessions, languages and logging in: no page's machinery
runs, and no detail is given, only `{"status": "ok"}` (200) or `{"status": "not ok"}` (503). The reasons go to the
log (logger `egide.health`).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

from egide.core import health

LIVE = "/health/live"
READY = "/health/ready"


def _status(ok: bool) -> HttpResponse:
    response = JsonResponse({"status": "ok" if ok else "not ok"}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Each failed check is logged once with its reason (egide.health): not again as Django's "Service Unavailable".
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path not in (LIVE, READY):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return _status(path == LIVE or not health.failures())
