"""What the pages of every app answer with: HTMX fragments or whole pages, the answer to a change, the errors of a
refused change, a form that writes through a service, and the country named by an address."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from egide.core.reference import countries

CHANGED_EVENT = "egide:changed"


def is_htmx(request: HttpRequest) -> bool:
    """Whether the request comes from HTMX and wants a part of a page. HTMX restoring a page it no longer holds in
    its history cache asks for the whole page, so that request counts as a plain one."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def changed_trigger(message: str) -> str:
    """The HX-Trigger header value by which an HTMX page learns that something changed, with the toast to show."""
    return json.dumps({CHANGED_EVENT: {"message": message}})


def changed(request: HttpRequest, message: str, *, redirect_to: str, leave: bool = False) -> HttpResponse:
    """After a successful change: an HTMX page refreshes its parts and shows the message; a plain form post is
    redirected to `redirect_to`, where the message waits. With `leave`, the HTMX page is left for `redirect_to`
    too (what it showed is gone), the message waiting there."""
    if not is_htmx(request):
        messages.success(request, message)
        return HttpResponseRedirect(redirect_to)
    response = HttpResponse(status=204)
    if leave:
        messages.success(request, message)
        response["HX-Redirect"] = redirect_to
    else:
        response["HX-Trigger"] = changed_trigger(message)
    return response


def refused(request: HttpRequest, message: str, *, redirect_to: str) -> HttpResponse:
    """After a change refused for a reason the page cannot show in place (the record moved on meanwhile): the
    message waits on the page, which HTMX reloads and a plain form post is redirected to."""
    messages.error(request, message)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return HttpResponseRedirect(redirect_to)


def apply_form_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: each message by its field when the form has that field, else at the
    top of the form, so that no message is lost."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@dataclass(frozen=True, slots=True)
class FormTemplates:
    """Where an app shows its forms: in the page's dialog when HTMX asks (`dialog`), else on a page of its own
    (`page`, which includes the dialog's part)."""

    dialog: str
    page: str

    def render(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        return render(request, self.dialog if is_htmx(request) else self.page, context)


def form_saved[F: BaseForm, R: Model](request: HttpRequest, form: F, save: Callable[[F], R]) -> R | None:
    """The record that `save` (the call of the service that writes it) returned, when the form was posted, valid,
    and accepted by the service; else None, with the service's refusal shown on the form's fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form)
    except ValidationError as error:
        apply_form_errors(form, error)
        return None


def form_view[F: BaseForm](
    request: HttpRequest,
    *,
    form: F,
    save: Callable[[F], Model],
    message: str,
    redirect_to: str,
    templates: FormTemplates,
    context: dict[str, Any],
) -> HttpResponse:
    """The answer of a form that writes through a service: once saved, the change (see `changed`); before that,
    or refused, the form with `context`. The view has checked the permission and found the record first."""
    if form_saved(request, form, save) is not None:
        return changed(request, message, redirect_to=redirect_to)
    return templates.render(request, {"form": form, **context})


def country_or_404(code: str) -> str:
    """The country code of an address, in capitals; not found when no country has it."""
    code = code.upper()
    if code not in countries():
        raise Http404(_("No such country."))
    return code


def posted_version(request: HttpRequest) -> int | None:
    """The version of the record a form was opened with, posted along; none (or garbage) means any version."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return None
    return version if version > 0 else None
