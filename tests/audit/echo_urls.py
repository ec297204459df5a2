"""A URLconf whose views answer with the audit context they run in, to test the middleware in the real stack."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from egide.audit.context import current


def echo(request: HttpRequest) -> JsonResponse:
    context = current()
    return JsonResponse({"ip": context.ip, "channel": context.channel})


urlpatterns = [
    path("echo/", echo),
    path("api/v1/echo/", echo),
]
