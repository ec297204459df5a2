"""Log-in attempts are recorded; repeated failures are slowed down, then locked, per username and per address."""

from datetime import timedelta

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.db.models import F
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from egide.security.models import LoginAttempt, Outcome

PASSWORD = "a-long-test-password"


def log_in(username: str, password: str, ip: str = "10.0.0.1", client: Client | None = None) -> HttpResponse:
    response: HttpResponse = (client or Client()).post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Test browser/1.0",
    )
    return response


def fail(username: str, times: int, ip: str = "10.0.0.1") -> list[HttpResponse]:
    return [log_in(username, "not-the-password", ip) for _ in range(times)]


def logged_in(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"] != reverse("login")


def age_attempts(minutes: int) -> None:
    LoginAttempt.objects.update(attempted_at=F("attempted_at") - timedelta(minutes=minutes))


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user(username="alice", password=PASSWORD)


# --- The record ------------------------------------------------------------------------------------------------------


def test_every_attempt_is_recorded_with_username_address_time_and_user_agent(alice: User) -> None:
    fail("alice", 1, ip="192.0.2.7")
    assert logged_in(log_in("alice", PASSWORD, ip="192.0.2.7"))
    failure, success = LoginAttempt.objects.order_by("pk")
    assert (failure.username, failure.ip_address, failure.user_agent) == ("alice", "192.0.2.7", "Test browser/1.0")
    assert (failure.success, failure.outcome) == (False, Outcome.WRONG_CREDENTIALS)
    assert (success.success, success.outcome) == (True, Outcome.LOGGED_IN)
    assert failure.attempted_at <= success.attempted_at


def test_unknown_usernames_are_recorded_too(db: None) -> None:
    fail("nobody-by-that-name", 1)
    assert LoginAttempt.objects.get().username == "nobody-by-that-name"


def test_the_address_comes_from_the_proxy_header_when_configured(alice: User, settings: LazySettings) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Forwarded-For"
    Client().post(
        reverse("login"),
        {"username": "alice", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.9",
    )
    assert LoginAttempt.objects.get().ip_address == "198.51.100.9"


def test_without_the_setting_the_proxy_header_is_ignored(alice: User) -> None:
    Client().post(
        reverse("login"),
        {"username": "alice", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert LoginAttempt.objects.get().ip_address == "127.0.0.1"


# --- Slowing down ----------------------------------------------------------------------------------------------------


def test_the_first_failures_are_not_delayed(alice: User, login_delays: list[float]) -> None:
    fail("alice", 2)
    assert login_delays == []


def test_from_the_third_attempt_each_failure_doubles_the_delay(alice: User, login_delays: list[float]) -> None:
    fail("alice", 5)
    assert login_delays == [1.0, 2.0, 4.0]


def test_the_delay_is_capped(alice: User, login_delays: list[float], settings: LazySettings) -> None:
    settings.EGIDE_LOGIN_LOCK_AFTER = 100
    settings.EGIDE_LOGIN_DELAY_SECONDS = 3
    fail("alice", 7)
    assert login_delays == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_a_right_password_after_failures_waits_too(alice: User, login_delays: list[float]) -> None:
    """The pause comes before the check, so cutting the connection early tells an attacker nothing."""
    fail("alice", 3)
    login_delays.clear()
    assert logged_in(log_in("alice", PASSWORD))
    assert login_delays == [2.0]


def test_the_slowdown_threshold_is_a_setting(alice: User, login_delays: list[float], settings: LazySettings) -> None:
    settings.EGIDE_LOGIN_SLOWDOWN_AFTER = 4
    fail("alice", 5)
    assert login_delays == [1.0]


# --- Locking ---------------------------------------------------------------------------------------------------------


def test_the_fifth_failure_locks_and_says_when_to_try_again(alice: User) -> None:
    responses = fail("alice", 5)
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    html = responses[-1].content.decode()
    assert "Too many failed attempts" in html
    assert "try again in 15 minutes, after" in html
    assert 'class="error" role="alert"' in html


def test_a_locked_username_is_refused_even_with_the_right_password(alice: User, login_delays: list[float]) -> None:
    fail("alice", 5)
    login_delays.clear()
    client = Client()
    response = log_in("alice", PASSWORD, client=client)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert login_delays == []
    assert LoginAttempt.objects.order_by("-pk").first().outcome == Outcome.LOCKED  # type: ignore[union-attr]


def test_the_lock_does_not_reveal_whether_the_account_exists(alice: User) -> None:
    existing = fail("alice", 6, ip="10.0.0.1")[-1].content.decode()
    unknown = fail("nobody-by-that-name", 6, ip="10.0.0.2")[-1].content.decode()

    def message(html: str) -> str:
        return html.split('class="error" role="alert">')[1].split("</p>")[0]

    assert message(existing) == message(unknown)


def test_refusals_during_the_lock_do_not_extend_it(alice: User) -> None:
    fail("alice", 5)
    fail("alice", 10)
    age_attempts(16)
    assert logged_in(log_in("alice", PASSWORD))


def test_the_lock_expires(alice: User) -> None:
    fail("alice", 5)
    age_attempts(14)
    assert log_in("alice", PASSWORD).status_code == 429
    age_attempts(2)
    assert logged_in(log_in("alice", PASSWORD))


def test_the_lock_numbers_are_settings(alice: User, settings: LazySettings) -> None:
    settings.EGIDE_LOGIN_LOCK_AFTER = 2
    settings.EGIDE_LOGIN_LOCK_MINUTES = 60
    settings.EGIDE_LOGIN_WINDOW_MINUTES = 60
    assert [response.status_code for response in fail("alice", 2)] == [200, 429]
    response = log_in("alice", PASSWORD)
    assert "try again in 60 minutes" in response.content.decode()
    age_attempts(59)
    assert log_in("alice", PASSWORD).status_code == 429
    age_attempts(2)
    assert logged_in(log_in("alice", PASSWORD))


def test_failures_older_than_the_window_do_not_count(alice: User, login_delays: list[float]) -> None:
    fail("alice", 4)
    age_attempts(16)
    login_delays.clear()
    assert [response.status_code for response in fail("alice", 4)] == [200, 200, 200, 200]
    assert login_delays == [1.0, 2.0]


def test_a_successful_log_in_resets_the_count(alice: User, login_delays: list[float]) -> None:
    fail("alice", 4)
    assert logged_in(log_in("alice", PASSWORD))
    login_delays.clear()
    assert [response.status_code for response in fail("alice", 4)] == [200, 200, 200, 200]
    assert login_delays == [1.0, 2.0]
    assert logged_in(log_in("alice", PASSWORD))


def test_usernames_count_whatever_their_case(alice: User) -> None:
    fail("alice", 2)
    fail("ALICE", 2)
    assert fail("Alice", 1)[0].status_code == 429


# --- Per username and per address ------------------------------------------------------------------------------------


def test_failures_from_many_addresses_lock_the_username(alice: User) -> None:
    for number in range(5):
        fail("alice", 1, ip=f"10.0.1.{number}")
    assert log_in("alice", PASSWORD, ip="10.0.2.1").status_code == 429
    bob = User.objects.create_user(username="bob", password=PASSWORD)
    assert logged_in(log_in(bob.username, PASSWORD, ip="10.0.2.1"))


def test_failures_on_many_usernames_lock_the_address(alice: User) -> None:
    for number in range(5):
        fail(f"guess{number}", 1, ip="10.0.3.3")
    assert log_in("alice", PASSWORD, ip="10.0.3.3").status_code == 429
    assert logged_in(log_in("alice", PASSWORD, ip="10.0.3.4"))


def test_the_slowdown_counts_the_worse_of_username_and_address(alice: User, login_delays: list[float]) -> None:
    fail("someone", 3, ip="10.0.4.4")
    login_delays.clear()
    fail("alice", 1, ip="10.0.4.4")
    assert login_delays == [2.0]


# --- The admin -------------------------------------------------------------------------------------------------------


def test_the_admin_lists_attempts_read_only(alice: User, verified_superuser_client: Client) -> None:
    fail("alice", 1)
    attempt = LoginAttempt.objects.get()
    changelist = verified_superuser_client.get(reverse("admin:security_loginattempt_changelist"))
    assert changelist.status_code == 200
    assert "alice" in changelist.content.decode()
    assert verified_superuser_client.get(reverse("admin:security_loginattempt_add")).status_code == 403
    change_url = reverse("admin:security_loginattempt_change", args=[attempt.pk])
    assert verified_superuser_client.get(change_url).status_code == 200
    assert verified_superuser_client.post(change_url, {"username": "forged"}).status_code == 403
    delete_url = reverse("admin:security_loginattempt_delete", args=[attempt.pk])
    assert verified_superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert LoginAttempt.objects.get().username == "alice"


def test_the_admin_login_goes_through_the_throttled_page(db: None) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/"
