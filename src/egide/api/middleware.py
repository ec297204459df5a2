"""The API's documentation in the language asked for in its address (?lang=fr), for links that cannot set a header."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

API_PREFIX = "/api/"


class ApiLanguageMiddleware:
    """Under /api/, `?lang=` (one of the site's languages) overrides Accept-Language for this request only. Goes after
    Django's LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.GET.get("lang", "")
        if not request.path_info.startswith(API_PREFIX) or language not in self.languages:
            return self.get_response(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers["Content-Language"] = language
        return response
