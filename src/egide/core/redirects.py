"""Where to send a user after a form: the `next` the page asked for when it stays on the platform."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, *, fallback: str) -> str:
    """The request's `next` (posted, or else in the query string) when it is a page of this site, reached with
    the request's own scheme when that is HTTPS; otherwise `fallback`. An external `next` would turn a form of the
    platform into a way to send its users anywhere (an open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
