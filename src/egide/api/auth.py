"""Who is asking, and whether they may make the change, decided before the body is read.

Who: a personal API token (`Authorization: Bearer egide_…`), the browser's session cookie (with the CSRF token for
changes), or nobody. Nobody may read (GET, HEAD, OPTIONS), as an anonymous user, whom the selectors show public
records only; changes without valid credentials, and any request with a token that is unknown or revoked, are
answered 401.

Whether: django-ninja runs authentication before it parses the body, so the permission checks that need nothing
from the body run there, and a user who may not make a change hears 403 whatever the body holds:
- every change needs an editing role somewhere (the API's default);
- a change in a country (`/countries/{code}/…`) needs an editing role covering it (`writers(in_country(…))`),
  except a decision on its findings, which a reviewer covering it may take (`writers(deciding_in_country(…))`);
- a change of a record (`/actors/{pk}`, `/relationships/{pk}`) needs the right to edit that record, and a record
  hidden from the user is not found (`writers(record(…))`).
What depends on the body itself (a new owner or confidentiality level, the owner named for a new record, the actors
a relationship joins) is checked by the services once the body is read, and is refused with 403 then.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from egide.accounts.selectors import Record, can_edit, may_decide_on_findings, may_edit_in, may_edit_somewhere
from egide.api.common import country_or_404
from egide.core.users import AnyUser
from egide.security.tokens import token_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Check = Callable[[HttpRequest, AnyUser], None]
"""A check run before the body is read: raises AuthorizationError (403), or HttpError (404), to refuse."""


def _path(request: HttpRequest, name: str) -> str:
    match = request.resolver_match
    return str(match.kwargs.get(name, "")) if match is not None else ""


def anywhere(request: HttpRequest, user: AnyUser) -> None:
    """A user without an editing role anywhere (a viewer, or a member of no organisation) may change nothing."""
    if not may_edit_somewhere(user=user):
        raise AuthorizationError(
            message=_("Your account may read but not change records: only editors may make changes.")
        )


def in_country(message: str | Promise) -> Check:
    """An editing role covering the country of the path's `{code}`; `message` says what the change was."""

    def check(request: HttpRequest, user: AnyUser) -> None:
        anywhere(request, user)
        if not may_edit_in(user=user, country=country_or_404(_path(request, "code"))):
            raise AuthorizationError(message=str(message))

    return check


def deciding_in_country(message: str | Promise) -> Check:
    """A decision on the findings of the path's country: a review, which reviewers may make although they edit
    nothing (egide.accounts.selectors.may_decide_on_findings)."""

    def check(request: HttpRequest, user: AnyUser) -> None:
        if not may_decide_on_findings(user=user, country=country_or_404(_path(request, "code"))):
            raise AuthorizationError(message=str(message))

    return check


def record(find: Callable[[AnyUser, int], Record | None], *, missing: str | Promise) -> Check:
    """The right to edit the record of the path's `{pk}`, which `find` reads among those the user may see (None
    when hidden or absent: 404 with `missing`)."""

    def check(request: HttpRequest, user: AnyUser) -> None:
        anywhere(request, user)
        pk = _path(request, "pk")
        if not pk.isdigit():
            return  # the path's own check refuses it, naming the parameter
        found = find(user, int(pk))
        if found is None:
            raise HttpError(404, str(missing))
        if not can_edit(user=user, record=found):
            raise AuthorizationError(message=_("You may not change this record."))

    return check


class BearerToken(HttpBearer):
    """A personal API token; the request then acts as the token's user, under the same rules as the pages."""

    openapi_bearerFormat = "egide_…"
    openapi_description = "A personal API token, created under Account → API tokens or with `egide token create`."

    def __init__(self, check: Check = anywhere) -> None:
        super().__init__()
        self.check = check

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)  # PermissionError (403, saying why) for a platform staff's token
        if user is None:
            raise AuthenticationError()  # a token was sent and opens nothing: 401, even for reading
        request.user = user
        if request.method not in SAFE_METHODS:
            self.check(request, user)
        return user


class SessionCookie(SessionAuth):
    """The browser's session. The CSRF token is checked for changes, once the session is known to be a user's."""

    openapi_description = "The session cookie of a logged-in browser; changes also need the X-CSRFToken header."

    def __init__(self, check: Check = anywhere) -> None:
        super().__init__()
        self.check = check

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        user = super().__call__(request)
        if user and request.method not in SAFE_METHODS:
            self.check(request, user)
        return user


def public_read(request: HttpRequest) -> Any:
    """Anybody may read: the request goes on as the anonymous user, to whom the selectors show public records."""
    if request.method in SAFE_METHODS:
        return request.user
    return None


def writers(check: Check = anywhere) -> list[Any]:
    """The `auth=` of a change whose permission can be checked before its body: credentials, then `check`."""
    return [BearerToken(check), SessionCookie(check), public_read]
