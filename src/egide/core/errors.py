"""Error pages that tell the user what to do and never how the server failed.

Django shows its technical pages, with the traceback and the settings, when DEBUG is on (the default of a local
`make start`); the product never shows a traceback to a user, so a view's error becomes the generic 500 page
whatever DEBUG says, and the traceback goes to the log. A refused request (BadRequest) gets the 400 page with the
reason, so that the user can fix it.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger("django.request")


class ErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadRequest):
            return render(request, "400.html", {"message": str(exception)}, status=400)
        if isinstance(exception, Http404 | PermissionDenied | SuspiciousOperation):
            return None  # Django's own answers (404, 403, 400), which hold no traceback when DEBUG is off
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        # Tests' clients listen to this signal to re-raise the error; Django sends it for errors it handles itself.
        got_request_exception.send(sender=None, request=request)
        return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused for its CSRF token (a page left open past its session, cookies refused, a form sent from
    another site): the site's own 403 page, in the reader's language, saying what to do rather than Django's
    English technical page."""
    return render(request, "403_csrf.html", status=403)
