"""Two-factor log-in with an authenticator app: optional for users, required for platform staff (superusers)."""

import base64
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from egide.security import two_factor
from egide.security.models import LoginAttempt, Outcome
from tests.security.helpers import code, give_device, verified_client, wrong_code

PASSWORD = "a-long-test-password"


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user(username="alice", password=PASSWORD)


@pytest.fixture
def alice_device(alice: User) -> TOTPDevice:
    return give_device(alice)


@pytest.fixture
def root(db: None) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD)


def password_step(client: Client, username: str, next_url: str = "") -> str:
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def logged_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


def is_verified(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- Users without an app --------------------------------------------------------------------------------------------


def test_a_user_without_an_app_logs_in_with_the_password_alone(alice: User) -> None:
    client = Client()
    assert password_step(client, "alice", next_url="/countries/CF/") == "/countries/CF/"
    assert logged_in_as(client) == "alice"
    assert client.get(reverse("account")).status_code == 200


# --- Users with an app -----------------------------------------------------------------------------------------------


def test_a_user_with_an_app_must_give_a_code_after_the_password(alice_device: TOTPDevice) -> None:
    client = Client()
    location = password_step(client, "alice", next_url="/countries/CF/")
    assert location.startswith(reverse("login-code"))
    assert logged_in_as(client) is None, "nobody is logged in before the code"
    assert client.get(reverse("account")).status_code == 302
    page = client.get(location)
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    response = client.post(reverse("login-code"), {"code": code(alice_device)})
    assert response.status_code == 302
    assert response["Location"] == "/countries/CF/"
    assert logged_in_as(client) == "alice"
    assert is_verified(client)
    assert LoginAttempt.objects.filter(outcome=Outcome.CODE_NEEDED).count() == 1
    assert LoginAttempt.objects.filter(outcome=Outcome.LOGGED_IN).count() == 1


def test_a_code_with_spaces_is_accepted(alice_device: TOTPDevice) -> None:
    client = Client()
    password_step(client, "alice")
    typed = code(alice_device)
    response = client.post(reverse("login-code"), {"code": f"{typed[:3]} {typed[3:]}"})
    assert response.status_code == 302
    assert logged_in_as(client) == "alice"


def test_a_wrong_code_is_refused(alice_device: TOTPDevice) -> None:
    client = Client()
    password_step(client, "alice")
    response = client.post(reverse("login-code"), {"code": wrong_code(alice_device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert logged_in_as(client) is None
    assert LoginAttempt.objects.filter(outcome=Outcome.WRONG_CODE, success=False).count() == 1


def test_a_code_cannot_be_used_twice(alice_device: TOTPDevice) -> None:
    used = code(alice_device)
    first = Client()
    password_step(first, "alice")
    assert first.post(reverse("login-code"), {"code": used}).status_code == 302
    second = Client()
    password_step(second, "alice")
    assert second.post(reverse("login-code"), {"code": used}).status_code == 200
    assert logged_in_as(second) is None


def test_wrong_codes_are_slowed_down_then_locked(alice_device: TOTPDevice, login_delays: list[float]) -> None:
    client = Client()
    password_step(client, "alice")
    statuses = [client.post(reverse("login-code"), {"code": wrong_code(alice_device)}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert login_delays == [1.0, 2.0, 4.0]
    refused = client.post(reverse("login-code"), {"code": code(alice_device)})
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.content.decode()
    assert logged_in_as(client) is None


def test_the_password_again_does_not_reset_the_count_of_wrong_codes(alice_device: TOTPDevice) -> None:
    """Someone who knows the password still gets five guesses at the code, not five per password."""
    client = Client()
    for _ in range(2):
        password_step(client, "alice")
        for _ in range(2):
            client.post(reverse("login-code"), {"code": wrong_code(alice_device)})
    password_step(client, "alice")
    assert client.post(reverse("login-code"), {"code": wrong_code(alice_device)}).status_code == 429
    assert Client().post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 429


def test_the_code_step_needs_a_password_first(alice_device: TOTPDevice) -> None:
    client = Client()
    response = client.post(reverse("login-code"), {"code": code(alice_device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert logged_in_as(client) is None


def test_a_waiting_log_in_expires(alice_device: TOTPDevice) -> None:
    client = Client()
    password_step(client, "alice")
    session = client.session
    waiting = session[two_factor.PENDING_SESSION_KEY]
    waiting["started"] -= two_factor.PENDING_SECONDS + 1
    session[two_factor.PENDING_SESSION_KEY] = waiting
    session.save()
    response = client.post(reverse("login-code"), {"code": code(alice_device)})
    assert response["Location"].startswith(reverse("login"))
    assert logged_in_as(client) is None


# --- Platform staff --------------------------------------------------------------------------------------------------


def test_a_superuser_without_an_app_is_sent_to_set_one_up(root: User) -> None:
    client = Client()
    location = password_step(client, "root", next_url="/countries/CF/")
    assert location == f"{reverse('two-factor-setup')}?next=%2Fcountries%2FCF%2F"
    assert logged_in_as(client) == "root"
    assert not is_verified(client)


def test_until_then_every_other_page_sends_the_superuser_back(root: User) -> None:
    client = Client()
    password_step(client, "root")
    for url in [reverse("home"), reverse("account"), reverse("tokens"), "/admin/", "/countries/CF/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two-factor-setup") + "?next="), url
    api = client.get("/api/v1/countries")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]
    assert client.get(reverse("two-factor-setup")).status_code == 200
    assert client.get("/static/egide/app.css").status_code in (200, 404)  # never a redirect
    assert client.post(reverse("set_language"), {"language": "fr", "next": "/"}).status_code == 302
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert logged_in_as(client) is None


def test_the_set_up_page_shows_a_qr_code_and_the_secret(root: User) -> None:
    client = Client()
    password_step(client, "root")
    response = client.get(reverse("two-factor-setup"))
    html = response.content.decode()
    image = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert image is not None
    assert b"<svg" in base64.b64decode(image.group(1))
    device = TOTPDevice.objects.get(user=root)
    assert not device.confirmed
    secret = base64.b32encode(device.bin_key).decode()
    shown = re.search(r'<code id="otp-secret">([^<]+)</code>', html)
    assert shown is not None
    assert shown.group(1).replace(" ", "") == secret
    assert "As platform staff, you must use two-factor authentication" in html
    again = client.get(reverse("two-factor-setup")).content.decode()
    assert secret[:4] in again, "reloading keeps the same secret"
    assert TOTPDevice.objects.filter(user=root).count() == 1


def test_the_set_up_page_keeps_to_the_content_security_policy(root: User) -> None:
    client = Client()
    password_step(client, "root")
    response = client.get(reverse("two-factor-setup"))
    html = response.content.decode()
    assert "style=" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert " src=" in tag, tag
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy


def test_a_superuser_confirms_the_app_with_a_code_and_may_then_go_anywhere(root: User) -> None:
    client = Client()
    password_step(client, "root", next_url="/countries/CF/")
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=root)
    refused = client.post(reverse("two-factor-setup"), {"code": wrong_code(device), "next": "/countries/CF/"})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert client.get(reverse("home")).status_code == 302
    response = client.post(reverse("two-factor-setup"), {"code": code(device), "next": "/countries/CF/"})
    assert response.status_code == 302
    assert response["Location"] == "/countries/CF/"
    device.refresh_from_db()
    assert device.confirmed
    assert is_verified(client)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("account")).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/countries").status_code == 200


def test_a_superuser_with_an_app_logs_in_with_a_code(root: User) -> None:
    device = give_device(root)
    client = Client()
    assert password_step(client, "root").startswith(reverse("login-code"))
    assert client.post(reverse("login-code"), {"code": code(device)}).status_code == 302
    assert is_verified(client)
    assert client.get("/admin/").status_code == 200


def test_a_superuser_session_without_a_code_is_sent_to_the_code_step(root: User) -> None:
    device = give_device(root)
    client = Client()
    client.force_login(root)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login-code')}?next=%2Fadmin%2F"
    assert client.get(response["Location"]).status_code == 200
    done = client.post(reverse("login-code"), {"code": code(device), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_ordinary_users_are_not_forced(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    assert client.get(reverse("account")).status_code == 200


def test_the_verified_superuser_fixture_opens_everything(verified_superuser_client: Client) -> None:
    assert verified_superuser_client.get(reverse("home")).status_code == 200
    assert verified_superuser_client.get("/admin/").status_code == 200


def test_the_helper_verifies_any_superuser(root: User) -> None:
    assert verified_client(root).get("/admin/").status_code == 200


# --- The account pages -----------------------------------------------------------------------------------------------


def test_the_header_links_to_the_account_page(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    html = client.get(reverse("account")).content.decode()
    assert f'href="{reverse("account")}"' in html
    assert f'href="{reverse("two-factor")}"' in html
    assert f'href="{reverse("tokens")}"' in html


def test_a_user_turns_two_factor_on_from_the_account_area(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    assert "Set up two-factor authentication" in client.get(reverse("two-factor")).content.decode()
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=alice)
    response = client.post(reverse("two-factor-setup"), {"code": code(device)})
    assert response["Location"] == reverse("two-factor")
    assert "Turn off two-factor authentication" in client.get(reverse("two-factor")).content.decode()
    assert is_verified(client)
    again = Client()
    assert password_step(again, "alice").startswith(reverse("login-code"))


def test_a_user_turns_two_factor_off_with_a_code(alice_device: TOTPDevice) -> None:
    client = verified_client(alice_device.user)
    refused = client.post(reverse("two-factor-disable"), {"code": wrong_code(alice_device)})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=alice_device.user).exists()
    response = client.post(reverse("two-factor-disable"), {"code": code(alice_device)})
    assert response["Location"] == reverse("two-factor")
    assert not TOTPDevice.objects.filter(user=alice_device.user).exists()
    assert password_step(Client(), "alice") == reverse("home")


def test_turning_off_needs_a_post(alice_device: TOTPDevice) -> None:
    client = verified_client(alice_device.user)
    assert client.get(reverse("two-factor-disable")).status_code == 405


def test_a_superuser_cannot_turn_two_factor_off(root: User) -> None:
    client = verified_client(root)
    device = TOTPDevice.objects.get(user=root)
    assert "Turn off two-factor authentication" not in client.get(reverse("two-factor")).content.decode()
    response = client.post(reverse("two-factor-disable"), {"code": code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=root, confirmed=True).exists()


def test_the_account_pages_need_a_log_in(db: None) -> None:
    client = Client()
    for name in ["account", "two-factor", "two-factor-setup", "tokens"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
