"""The answers every app's pages share: HTMX parts or whole pages, changes and refusals, form errors."""

import json

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.test import RequestFactory

from egide.core.web import apply_form_errors, changed, country_or_404, is_htmx, posted_version, refused

HTMX = {"HX-Request": "true"}


def _request(method: str = "get", data: dict[str, str] | None = None, **headers: str) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/", data or {}, headers=headers)
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _messages(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def test_htmx_requests_are_told_apart_from_plain_ones() -> None:
    assert is_htmx(_request(**HTMX))
    assert not is_htmx(_request())
    assert not is_htmx(_request(**{"HX-Request": "false"}))
    # Restoring a page missing from its history cache, HTMX wants the whole page.
    assert not is_htmx(_request(**HTMX, **{"HX-History-Restore-Request": "true"}))


def test_a_change_refreshes_an_htmx_page_with_its_message() -> None:
    request = _request("post", **HTMX)
    response = changed(request, "Actor “Police” saved.", redirect_to="/actors/1/")
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"]) == {"egide:changed": {"message": "Actor “Police” saved."}}
    assert "HX-Redirect" not in response
    assert _messages(request) == []  # shown by the page itself, not again on the next one


def test_a_change_redirects_a_plain_post_where_its_message_waits() -> None:
    request = _request("post")
    response = changed(request, "Actor “Police” saved.", redirect_to="/actors/1/")
    assert (response.status_code, response["Location"]) == (302, "/actors/1/")
    assert _messages(request) == [("success", "Actor “Police” saved.")]


def test_a_change_that_removes_the_page_sends_htmx_elsewhere() -> None:
    request = _request("post", **HTMX)
    response = changed(request, "Actor “Police” deleted.", redirect_to="/countries/CF/", leave=True)
    assert (response.status_code, response["HX-Redirect"]) == (204, "/countries/CF/")
    assert "HX-Trigger" not in response
    assert _messages(request) == [("success", "Actor “Police” deleted.")]


def test_a_refusal_reloads_the_page_with_its_message() -> None:
    request = _request("post", **HTMX)
    response = refused(request, "Changed meanwhile.", redirect_to="/actors/1/")
    assert (response.status_code, response["HX-Refresh"]) == (204, "true")
    assert _messages(request) == [("error", "Changed meanwhile.")]
    plain = _request("post")
    response = refused(plain, "Changed meanwhile.", redirect_to="/actors/1/")
    assert (response.status_code, response["Location"]) == (302, "/actors/1/")
    assert _messages(plain) == [("error", "Changed meanwhile.")]


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_services_errors_go_to_their_fields_or_above_the_form() -> None:
    form = NameForm({"name": "Police"})
    assert form.is_valid()
    apply_form_errors(form, ValidationError({"name": ["Already used."], "reference": ["Too long."]}))
    assert form.errors["name"] == ["Already used."]
    assert form.non_field_errors() == ["Too long."]

    form = NameForm({"name": "Police"})
    assert form.is_valid()
    apply_form_errors(form, ValidationError(["Not allowed.", "Try later."]))
    assert form.non_field_errors() == ["Not allowed.", "Try later."]


def test_a_country_code_is_read_in_any_case_and_must_exist() -> None:
    assert country_or_404("cf") == "CF"
    assert country_or_404("XK") == "XK"
    for code in ("ZZ", "", "FRA"):
        with pytest.raises(Http404):
            country_or_404(code)


@pytest.mark.parametrize(("posted", "version"), [("3", 3), ("", None), ("three", None), ("0", None), ("-2", None)])
def test_the_posted_version_is_a_positive_number_or_none(posted: str, version: int | None) -> None:
    assert posted_version(_request("post", {"version": posted})) == version
