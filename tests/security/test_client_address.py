"""The audit log and the log-in throttle read the client's address the same way, from EGIDE_CLIENT_IP_HEADER:
behind a reverse proxy both record the real client; without the setting both ignore a forged header."""

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.audit.models import Action, AuditEvent
from egide.security.models import LoginAttempt, Outcome
from tests.conftest import PASSWORD

PROXY = "10.0.0.1"
CLIENT = "203.0.113.9"


def log_in_and_create_a_token(member: User, **headers: str) -> tuple[str | None, str | None]:
    """A failed log-in, a successful one, and an audited change: the addresses the throttle and the log kept."""
    client = Client(REMOTE_ADDR=PROXY, **headers)  # type: ignore[arg-type]
    client.post(reverse("login"), {"username": "member", "password": "wrong"})
    client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    response = client.post(reverse("tokens"), {"name": "script"})
    assert response.status_code == 200
    attempts = list(LoginAttempt.objects.order_by("pk"))
    assert [attempt.outcome for attempt in attempts] == [Outcome.WRONG_CREDENTIALS, Outcome.LOGGED_IN]
    assert attempts[0].ip_address == attempts[1].ip_address
    return attempts[0].ip_address, AuditEvent.objects.get(action=Action.CREATE).ip


@pytest.mark.django_db
def test_behind_a_proxy_both_record_the_client_it_saw(member: User, settings: LazySettings) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Forwarded-For"
    # The client wrote the first entry itself; the proxy appended the address it received the request from.
    assert log_in_and_create_a_token(member, HTTP_X_FORWARDED_FOR=f"198.51.100.66, {CLIENT}") == (CLIENT, CLIENT)


@pytest.mark.django_db
def test_a_single_header_set_by_the_proxy(member: User, settings: LazySettings) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Real-IP"
    headers = {"HTTP_X_REAL_IP": CLIENT, "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    assert log_in_and_create_a_token(member, **headers) == (CLIENT, CLIENT)


@pytest.mark.django_db
def test_without_the_setting_a_forged_header_is_ignored_by_both(member: User) -> None:
    headers = {"HTTP_X_FORWARDED_FOR": "198.51.100.66", "HTTP_X_REAL_IP": "198.51.100.67"}
    assert log_in_and_create_a_token(member, **headers) == (PROXY, PROXY)


@pytest.mark.django_db
def test_a_missing_or_garbled_header_falls_back_to_the_peer(member: User, settings: LazySettings) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Forwarded-For"
    assert log_in_and_create_a_token(member, HTTP_X_FORWARDED_FOR="unknown") == (PROXY, PROXY)
