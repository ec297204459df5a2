"""Changing one's password, and choosing a new one from a link sent by e-mail; how a reset meets the log-in
throttle and two-factor authentication."""

import re

from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from egide.security.models import LoginAttempt, Outcome
from tests.actors.html import element, field_errors, text, text_of
from tests.actors.pages import messages_shown
from tests.conftest import PASSWORD
from tests.security.helpers import give_device

NEW_PASSWORD = "a-fresh-long-passphrase-42"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_changes_their_password(member: User) -> None:
    client = _client(member)
    account = client.get(reverse("account")).content.decode()
    assert element(account, "#change-password")["href"] == reverse("password-change")
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("account")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # Still logged in after the change.
    assert messages_shown(client.get(reverse("account"))) == ["Your password was changed."]


def test_a_wrong_present_password_changes_nothing(member: User) -> None:
    response = _client(member).post(
        reverse("password-change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "old_password")
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_changing_a_password_needs_a_log_in(db: None) -> None:
    response = Client().get(reverse("password-change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _ask_reset(email: str) -> Client:
    client = Client()
    response = client.post(reverse("password-reset"), {"email": email})
    assert response["Location"] == reverse("password-reset-sent")
    return client


def _reset_link() -> str:
    (message,) = mail.outbox
    found = re.search(r"http://testserver(/password-reset/[^\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_a_forgotten_password_is_reset_from_the_e_mailed_link(member: User) -> None:
    member.email = "member@example.org"
    member.save()
    login_page = Client().get(reverse("login")).content.decode()
    assert element(login_page, "#forgotten-password")["href"] == reverse("password-reset")
    client = _ask_reset("member@example.org")
    sent = client.get(reverse("password-reset-sent")).content.decode()
    assert "It works once, for 24 hours." in text_of(element(sent, "#reset-sent"))
    (message,) = mail.outbox
    assert message.to == ["member@example.org"]
    assert "“member”" in message.body
    form = client.get(_reset_link(), follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("password-reset-complete")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # The link works once.
    again = Client().get(_reset_link(), follow=True)
    assert "The link has expired or was already used." in text(again.content.decode())


def test_an_unknown_address_gets_the_same_answer_and_no_message(db: None) -> None:
    _ask_reset("nobody@example.org")
    assert mail.outbox == []


def test_a_reset_does_not_log_in_nor_skip_the_code_step(staff: User) -> None:
    staff.email = "staff@example.org"
    staff.save()
    give_device(staff)
    client = _ask_reset("staff@example.org")
    form = client.get(_reset_link(), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "staff", "password": NEW_PASSWORD})
    assert response["Location"].startswith(reverse("login-code"))


def test_a_reset_does_not_lift_a_log_in_lock(member: User, settings: object) -> None:
    member.email = "member@example.org"
    member.save()
    for _attempt in range(5):
        Client().post(reverse("login"), {"username": "member", "password": "wrong"})
    client = _ask_reset("member@example.org")
    form = client.get(_reset_link(), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    locked = Client().post(reverse("login"), {"username": "member", "password": NEW_PASSWORD})
    assert locked.status_code == 429
    assert LoginAttempt.objects.filter(username="member", outcome=Outcome.LOCKED).exists()


def test_the_password_pages_in_french(member: User) -> None:
    client = _client(member)
    client.cookies["django_language"] = "fr"
    assert "Changer votre mot de passe" in text(client.get(reverse("password-change")).content.decode())
    visitor = Client()
    visitor.cookies["django_language"] = "fr"
    assert "Mot de passe oublié" in text(visitor.get(reverse("password-reset")).content.decode())


def test_demo_reset_passwords_prints_new_ones(db: None) -> None:
    import io

    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", "--reset-passwords", stdout=out)
    lines = dict(line.split() for line in out.getvalue().splitlines()[1:])
    assert set(lines) == {
        "meae-admin",
        "meae-editor",
        "ef-editor",
        "ef-viewer",
        "strss-editor",
        "strss-reviewer",
        "csrp-editor",
    }
    for username, password in lines.items():
        assert User.objects.get(username=username).check_password(password)
