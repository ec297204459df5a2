"""Platform staff (superusers) must confirm a one-time code in every session before doing anything else."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from egide.security import two_factor

ALLOWED_URL_NAMES = frozenset({"login", "login-code", "logout", "two-factor-setup", "set_language"})
"""What a superuser may open before confirming a code: the log-in steps, log-out, the set-up page, the language."""


class TwoFactorRequiredMiddleware:
    """Sends a logged-in superuser whose session has not confirmed a code to the code step, or to set up an app.

    Goes after django-otp's OTPMiddleware. The API answers 403 instead of redirecting.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_superuser and not two_factor.is_verified(user) and not _allowed(request):
            if request.path_info.startswith("/api/"):
                message = _("Platform staff must confirm a two-factor code in the browser before using the API.")
                return JsonResponse({"detail": message}, status=403)
            step = "login-code" if two_factor.confirmed_device(user) is not None else "two-factor-setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _allowed(request: HttpRequest) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in ALLOWED_URL_NAMES
