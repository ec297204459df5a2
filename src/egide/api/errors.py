"""The API's error answers: one body shape for field errors (422) and one for every other error, declared on each
operation for every status code it can answer, and the exception handlers that produce them.

Operations declare their answers with `answers({200: SomeOut}, 404, 422)`: the success schemas, then the error
codes, each of which gets its one schema from ERROR_SCHEMAS. 401 is always added: any request that sends an
unknown or revoked token is refused with it.
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestValidationError
from pydantic import Field

logger = logging.getLogger("egide.api")

WHOLE_REQUEST = "__all__"


class MessageOut(Schema):
    detail: str = Field(description="What went wrong, in words")


class FieldErrorsOut(Schema):
    detail: dict[str, list[str]] = Field(
        description="The messages for each field of the body or parameter of the request that is refused, by its "
        f"name (nested fields joined with dots); `{WHOLE_REQUEST}` for the request as a whole"
    )


ERROR_SCHEMAS: dict[int, type[Schema]] = {
    400: MessageOut,
    401: MessageOut,
    403: MessageOut,
    404: MessageOut,
    409: MessageOut,
    412: MessageOut,
    413: MessageOut,
    422: FieldErrorsOut,
}

WRITE_ERRORS = (400, 403, 404, 413, 422)
"""What a change with a JSON body can meet: an unreadable or too large body, no right to do it, nothing to change
(or no such country), and fields that are refused."""


def answers(successes: Mapping[int, Any], *errors: int | Iterable[int]) -> dict[int, Any]:
    """The `response=` of an operation: its successes, 401, and the given error codes with their schemas."""
    codes = {401}
    for error in errors:
        codes.update([error] if isinstance(error, int) else error)
    return dict(successes) | {code: ERROR_SCHEMAS[code] for code in sorted(codes)}


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """A Django validation error as {field: [messages]}."""
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {WHOLE_REQUEST: list(error.messages)}


def _location(loc: Iterable[Any]) -> str:
    """A field's name from its location: ("body", "payload", "parameters", "x") → "parameters.x";
    ("query", "limit") → "limit"."""
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]  # the body's source and the name of the view's argument that receives it
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or WHOLE_REQUEST


def _message(error: Mapping[str, Any]) -> str:
    """The message for one of pydantic's errors, in the active language for the common ones."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_type":
        return _("Must be a string.")
    if kind == "string_unicode":
        return _("Must be valid Unicode text.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Must be a whole number.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Must be true or false.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Must be a JSON object.")
    if kind == "list_type":
        return _("Must be a list.")
    if kind == "greater_than_equal":
        return _("Must be %(limit)s or more.") % {"limit": context.get("ge")}
    if kind == "less_than_equal":
        return _("Must be %(limit)s or less.") % {"limit": context.get("le")}
    if kind == "string_too_long":
        return _("Must be at most %(limit)s characters long.") % {"limit": context.get("max_length")}
    return str(error.get("msg", _("This value is not valid.")))


def request_field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """django-ninja's list of pydantic errors as {field: [messages]}, the one shape of every 422 answer."""
    result: dict[str, list[str]] = {}
    for error in errors:
        messages = result.setdefault(_location(error.get("loc", ())), [])
        message = _message(error)
        if message not in messages:
            messages.append(message)
    return result


def install(api: NinjaAPI) -> None:
    """Register the handlers once on the API: every error answers JSON in its declared shape, and a server error
    says only that it happened, never how (the traceback goes to the log), whatever DEBUG says."""

    def respond(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail}, status=status)

    def on_request_invalid(request: HttpRequest, error: Any) -> HttpResponse:
        return respond(request, 422, request_field_errors(error.errors))

    def on_invalid(request: HttpRequest, error: Any) -> HttpResponse:
        return respond(request, 422, field_errors(error))

    def on_forbidden(request: HttpRequest, error: Any) -> HttpResponse:
        return respond(request, 403, str(error) or _("You may not do this."))

    def on_not_found(request: HttpRequest, error: Any) -> HttpResponse:
        return respond(request, 404, _("Not found."))

    def on_too_big(request: HttpRequest, error: Any) -> HttpResponse:
        return respond(request, 413, _("The request body is too large."))

    def on_http_error(request: HttpRequest, error: Any) -> HttpResponse:
        if error.status_code == 400 and str(error).startswith("Cannot parse request body"):
            # django-ninja's own words, with the parser's details when DEBUG is on
            return respond(request, 400, _("The request body is not valid JSON."))
        return respond(request, error.status_code, str(error))

    def on_server_error(request: HttpRequest, error: Any) -> HttpResponse:
        logger.error("API error on %s %s", request.method, request.path, exc_info=error)
        return respond(request, 500, _("The server met an error; it was logged. Please try again later."))

    api.add_exception_handler(Exception, on_server_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(RequestValidationError, on_request_invalid)
    api.add_exception_handler(ValidationError, on_invalid)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(PermissionError, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
