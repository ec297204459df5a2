"""Logging in and out, and switching the interface language."""

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.actors.html import element
from tests.conftest import SmallMap


def test_login_page_shows_the_form(anonymous_client: Client) -> None:
    response = anonymous_client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_logging_in_with_the_right_password_opens_the_requested_page(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    login_page = client.get(reverse("login"), {"next": "/countries/CF/"})
    token = element(login_page.content.decode(), 'form:has(input[name="password"]) input[name="csrfmiddlewaretoken"]')[
        "value"
    ]
    assert token
    response = client.post(
        reverse("login"),
        {
            "username": "member",
            "password": "a-long-test-password",
            "next": "/countries/CF/",
            "csrfmiddlewaretoken": str(token),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/countries/CF/"
    page = client.get("/countries/CF/actors/")
    assert page.status_code == 200
    assert "National Police" in page.content.decode()


def test_logging_in_without_a_next_page_opens_the_countries(member: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "member", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_with_a_message(member: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "member", "password": "not-the-password"})
    assert response.status_code == 200
    assert 'class="error" role="alert"' in response.content.decode()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_logging_out_signs_the_member_out(member_client: Client) -> None:
    assert member_client.get(reverse("home")).status_code == 200
    response = member_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    after = member_client.get(reverse("actor-create", kwargs={"code": "CF"}))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    assert not member_client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_pages_offer_a_log_out_button_to_members_and_a_log_in_link_to_visitors(
    member_client: Client, anonymous_client: Client
) -> None:
    assert f'action="{reverse("logout")}"' in member_client.get(reverse("home")).content.decode()
    login_page = anonymous_client.get(reverse("login")).content.decode()
    assert f'action="{reverse("logout")}"' not in login_page


def test_the_language_switcher_sets_the_language_and_returns_to_the_page(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(reverse("set_language"), {"language": "fr", "next": "/countries/CF/"})
    assert response.status_code == 302
    assert response["Location"] == "/countries/CF/"
    assert member_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = member_client.get("/countries/CF/").content.decode()
    assert '<html lang="fr"' in page
    assert "République centrafricaine" in page


def test_the_language_switcher_back_to_english(member_client: Client, small_map: SmallMap) -> None:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    member_client.post(reverse("set_language"), {"language": "en", "next": "/countries/CF/"})
    page = member_client.get("/countries/CF/").content.decode()
    assert '<html lang="en"' in page
    assert "Central African Republic" in page


def test_the_header_offers_both_languages_and_marks_the_current_one(member_client: Client) -> None:
    html = member_client.get(reverse("home")).content.decode()
    buttons = element(html, 'form[action="/i18n/setlang/"]').select('button[type="submit"][name="language"]')
    assert [button["value"] for button in buttons] == ["en", "fr"]
    assert [button["value"] for button in buttons if button.get("aria-current") == "true"] == ["en"]


def test_the_language_switcher_ignores_a_foreign_next_page(member_client: Client) -> None:
    response = member_client.post(reverse("set_language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
