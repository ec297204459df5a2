"""The JSON API, versioned under /api/v1/, with its OpenAPI document at /api/openapi.json.

Who is asking, in this order: a personal API token (`Authorization: Bearer egide_…`), the browser's session cookie
(with the CSRF token for changes), or nobody. Nobody may read (GET, HEAD, OPTIONS), as an anonymous user, whom the
selectors show public records only; changes without valid credentials, and any request with a token that is unknown
or revoked, are answered 401.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from egide.accounts.models import EDITING_ROLES
from egide.accounts.selectors import reach_of
from egide.actors.api import router as actors_router
from egide.api import errors
from egide.governance.api import router as governance_router
from egide.security.tokens import token_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _may_change_something(request: HttpRequest, user: Any) -> Any:
    """Every change the API offers needs an editing role somewhere: a user without one (a viewer, or a member of
    no organisation) is refused at once with 403, before the body is read, rather than told about its fields."""
    if request.method not in SAFE_METHODS:
        reach = reach_of(user)
        if not (reach.superuser or any(grant.role in EDITING_ROLES for grant in reach.grants)):
            raise AuthorizationError(
                message=_("Your account may read but not change records: only editors may make changes.")
            )
    return user


class BearerToken(HttpBearer):
    """A personal API token; the request then acts as the token's user, under the same rules as the pages."""

    openapi_bearerFormat = "egide_…"
    openapi_description = "A personal API token, created under Account → API tokens or with `egide token create`."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)  # PermissionError (403, saying why) for a platform staff's token
        if user is None:
            raise AuthenticationError()  # a token was sent and opens nothing: 401, even for reading
        request.user = user
        return _may_change_something(request, user)


class SessionCookie(SessionAuth):
    """The browser's session. The CSRF token is checked for changes, once the session is known to be a user's."""

    openapi_description = "The session cookie of a logged-in browser; changes also need the X-CSRFToken header."

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        user = super().__call__(request)
        return user and _may_change_something(request, user)


def public_read(request: HttpRequest) -> Any:
    """Anybody may read: the request goes on as the anonymous user, to whom the selectors show public records."""
    if request.method in SAFE_METHODS:
        return request.user
    return None


class EgideAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Mark reading as open to anonymous visitors: an empty security requirement makes credentials optional."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method.upper() in SAFE_METHODS and "security" in operation and {} not in operation["security"]:
                    operation["security"].append({})
        return schema


api = EgideAPI(
    title="Égide API",
    version="1",
    description=(
        "The security system map of each country: actors, relationships and their sources.\n\n"
        "Authenticate with a personal API token in the `Authorization: Bearer egide_…` header (create one under "
        "Account → API tokens, or with `egide token create USERNAME`), or with the browser's session cookie (changes "
        "then need the `X-CSRFToken` header). Without credentials, GET requests read public records only; any "
        "change needs credentials, and an unknown or revoked token is refused with 401."
    ),
    auth=[BearerToken(), SessionCookie(), public_read],
    urls_namespace="api-1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/v1", actors_router)
api.add_router("/v1", governance_router)
errors.install(api)
