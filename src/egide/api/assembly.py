"""The JSON API, versioned under /api/v1/, with its OpenAPI document at /api/openapi.json."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from egide.actors.api import router as actors_router

api = NinjaAPI(
    title="Égide API",
    version="1",
    description="The security system map of each country: actors, relationships and their sources.",
    auth=django_auth,
    urls_namespace="api-1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/v1", actors_router)


@api.exception_handler(PermissionError)
def permission_denied(request: HttpRequest, error: PermissionError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=403)
