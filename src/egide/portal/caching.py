"""How every page and file of the public portal is served: in the language of its address, validated by its last
change (ETag and Last-Modified, a 304 for a client that holds it), kept whole in the shared cache under that last
change, and marked cacheable by anyone for a short while.

A page's last change (`freshness.last_change`, of its country or of the whole platform) is read first, in a
handful of aggregate queries: a client or a cache that already holds the page gets a 304 without anything else
being read, and a page asked for again is taken from the cache without being rendered. A change to any record the
page is made of gives it a new last change, hence a new ETag and a new cache key: a page kept under the old one is
never served again, and simply expires.
"""

import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from egide.core.web import country_or_404
from egide.portal.freshness import Change, last_change

logger = logging.getLogger(__name__)

KEPT_SECONDS = 24 * 3600
"""How long a page is kept: a page whose data changed is never read again, and only waits to expire."""
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link")
"""The headers of an answer kept with its content."""

View = Callable[..., HttpResponse]


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _kept(key: str) -> tuple[bytes, dict[str, str]] | None:
    try:
        found: tuple[bytes, dict[str, str]] | None = cache.get(key)
    except Exception:  # an unreachable cache costs a rendering, never an error page
        logger.warning("portal page cache unreachable", exc_info=True)
        return None
    return found


def _keep(key: str, response: HttpResponse) -> None:
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    try:
        cache.set(key, (response.content, headers), KEPT_SECONDS)
    except Exception:
        logger.warning("portal page cache unreachable", exc_info=True)


def public_page(view: View | None = None, *, also: Callable[[str], object] | None = None) -> Any:
    """`view(request, language=…, country=…, change=…, **address)`, served as described above. The address gives
    the language (`language`) and, for a country's page, its code (`code`: 404 for an unknown one). `also(country)`:
    what else the answer is made of beyond the records `freshness.last_change` follows (its repr joins the ETag)."""
    if view is None:
        return lambda inner: public_page(inner, also=also)

    @require_safe
    @wraps(view)
    def served(request: HttpRequest, language: str, **address: Any) -> HttpResponse:
        if language not in languages():
            raise Http404("No such language.")
        country = country_or_404(address.pop("code")) if "code" in address else ""
        with translation.override(language):
            change = last_change(country=country)
            extra = repr(also(country)) if also is not None else ""
            etag = hashlib.sha256(f"{change.digest}|{extra}|{language}|{request.path}".encode()).hexdigest()[:32]

            @condition(etag_func=lambda request: etag, last_modified_func=lambda request: change.modified)
            def answer(request: HttpRequest) -> HttpResponse:
                key = f"portal:{etag}"
                kept = _kept(key)
                if kept is not None:
                    content, headers = kept
                    response = HttpResponse(content)
                    for name, value in headers.items():
                        response[name] = value
                    return response
                response = view(request, language=language, country=country, change=change, **address)
                if response.status_code == 200:
                    _keep(key, response)
                return response

            response = answer(request)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=settings.EGIDE_PORTAL_MAX_AGE)
        response["Content-Language"] = language
        return response

    return served


__all__ = ["Change", "public_page"]
