"""Where a change comes from: the middleware sets the address and channel for each request."""

import pytest
from django.conf import LazySettings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from egide.audit.context import AuditContext, audit_context, current, normalise_ip
from egide.audit.middleware import AuditContextMiddleware


def _context_during(request: HttpRequest) -> AuditContext:
    seen: list[AuditContext] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(current())
        return HttpResponse()

    AuditContextMiddleware(view)(request)
    return seen[0]


def test_a_page_request_is_the_web_channel_from_the_remote_address(rf: RequestFactory) -> None:
    context = _context_during(rf.get("/countries/CF/", REMOTE_ADDR="192.0.2.10"))
    assert context == AuditContext(ip="192.0.2.10", channel="web")


def test_an_api_request_is_the_api_channel(rf: RequestFactory) -> None:
    context = _context_during(rf.post("/api/v1/countries/CF/actors", REMOTE_ADDR="2001:db8::7"))
    assert context == AuditContext(ip="2001:db8::7", channel="api")


def test_a_path_that_only_starts_like_the_api_is_the_web(rf: RequestFactory) -> None:
    assert _context_during(rf.get("/apiary/")).channel == "web"


def test_outside_a_request_it_is_the_command_line_with_no_address() -> None:
    assert current() == AuditContext(ip=None, channel="cli")


def test_the_context_ends_with_the_request_even_when_the_view_fails(rf: RequestFactory) -> None:
    def failing(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        AuditContextMiddleware(failing)(rf.get("/", REMOTE_ADDR="192.0.2.10"))
    assert current() == AuditContext(ip=None, channel="cli")


def test_x_forwarded_for_is_ignored_unless_configured(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert _context_during(request).ip == "10.0.0.1"


def test_a_proxy_gives_the_address_it_received_the_request_from(rf: RequestFactory, settings: LazySettings) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Forwarded-For"
    # The client wrote the first entry itself; the proxy appended the second.
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9")
    assert _context_during(request).ip == "203.0.113.9"


def test_a_chain_of_proxies_passes_the_client_it_resolved(rf: RequestFactory, settings: LazySettings) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Real-IP"
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.66, 10.0.0.1"
    )
    assert _context_during(request).ip == "203.0.113.9"


def test_a_proxy_without_the_header_or_with_garbage_falls_back_to_the_remote_address(
    rf: RequestFactory, settings: LazySettings
) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Forwarded-For"
    assert _context_during(rf.get("/", REMOTE_ADDR="10.0.0.1")).ip == "10.0.0.1"
    assert _context_during(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="unknown")).ip == "10.0.0.1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.0.2.1", "192.0.2.1"),
        (" 192.0.2.1 ", "192.0.2.1"),
        ("192.0.2.1:443", "192.0.2.1"),
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("2001:0db8:0000::1", "2001:db8::1"),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
def test_addresses_are_checked_and_written_the_canonical_way(value: str | None, expected: str | None) -> None:
    assert normalise_ip(value) == expected


def test_audit_context_sets_and_restores() -> None:
    with audit_context(ip="192.0.2.1", channel="web"):
        assert current() == AuditContext(ip="192.0.2.1", channel="web")
    assert current() == AuditContext()


@pytest.mark.urls("tests.audit.echo_urls")
def test_the_middleware_runs_in_the_installed_stack(client: Client) -> None:
    assert client.get("/echo/", REMOTE_ADDR="192.0.2.44").json() == {"ip": "192.0.2.44", "channel": "web"}
    assert client.get("/api/v1/echo/").json() == {"ip": "127.0.0.1", "channel": "api"}
