"""Security headers, scripts and CSRF on the pages."""

import json
import re

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from egide.actors.models import Actor
from tests.actors.html import element, inline_scripts, script_sources
from tests.actors.pages import HTMX
from tests.conftest import SmallMap


def _html_pages(small_map: SmallMap) -> list[tuple[str, dict[str, str]]]:
    return [
        (reverse("home"), {}),
        (reverse("country-detail", kwargs={"code": "CF"}), {}),
        (reverse("country-actors-table", kwargs={"code": "CF"}), HTMX),
        (reverse("country-relationships-table", kwargs={"code": "CF"}), HTMX),
        (reverse("actor-detail", kwargs={"pk": small_map.defence.pk}), {}),
        (reverse("actor-create", kwargs={"code": "CF"}), {}),
        (reverse("actor-create", kwargs={"code": "CF"}), HTMX),
        (reverse("actor-edit", kwargs={"pk": small_map.army.pk}), {}),
        (reverse("relationship-create", kwargs={"code": "CF"}), {}),
        (reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}), HTMX),
        (reverse("country-import", kwargs={"code": "CF"}), {}),
    ]


def _assert_secure(response: HttpResponse) -> None:
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_page_sends_the_security_headers(member_client: Client, small_map: SmallMap) -> None:
    for url, headers in _html_pages(small_map):
        response = member_client.get(url, **headers)
        assert response.status_code == 200, url
        _assert_secure(response)


def test_the_login_page_sends_the_security_headers(anonymous_client: Client) -> None:
    _assert_secure(anonymous_client.get(reverse("login")))


def test_no_page_has_an_inline_script(member_client: Client, anonymous_client: Client, small_map: SmallMap) -> None:
    pages = [member_client.get(url, **headers).content.decode() for url, headers in _html_pages(small_map)]
    pages.append(anonymous_client.get(reverse("login")).content.decode())
    for html in pages:
        assert inline_scripts(html) == []
    # The whole pages do run scripts, all loaded from files.
    assert all(script_sources(html) for html in (pages[0], pages[1], pages[-1]))


def test_no_page_loads_a_script_twice(member_client: Client, small_map: SmallMap) -> None:
    for url, headers in _html_pages(small_map):
        sources = script_sources(member_client.get(url, **headers).content.decode())
        assert len(sources) == len(set(sources)), url
        assert sources or headers == HTMX, url


def test_pages_load_scripts_only_from_the_site(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/").content.decode()
    sources = script_sources(html)
    assert sources
    assert all(source.startswith(("/" + settings.STATIC_URL, settings.STATIC_URL)) for source in sources)


def test_htmx_requests_carry_the_csrf_token(member_client: Client) -> None:
    html = member_client.get(reverse("home")).content.decode()
    headers = json.loads(str(element(html, "body")["hx-headers"]))
    assert list(headers) == ["X-CSRFToken"]
    assert re.fullmatch(r"[\w-]{32,}", headers["X-CSRFToken"])


def test_a_form_post_without_a_csrf_token_is_refused(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("actor-delete", kwargs={"pk": small_map.army.pk}), **HTMX)
    assert response.status_code == 403
    assert Actor.objects.filter(pk=small_map.army.pk).exists()
