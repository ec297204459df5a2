"""Password changes, reset requests and resets are in the audit log: on the account, by the right user, from the
right channel and address, and never with the password or the reset link's token."""

import io
import json
import re

from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egide.audit.models import Action, AuditEvent, action_label
from tests.actors.html import text
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-fresh-long-passphrase-42"
CLIENT_ADDRESS = "203.0.113.9"


def _password_events() -> list[AuditEvent]:
    actions = [Action.PASSWORD_CHANGE, Action.PASSWORD_RESET_REQUEST, Action.PASSWORD_RESET]
    return list(AuditEvent.objects.filter(action__in=actions).order_by("id"))


def _holds_no_secret(event: AuditEvent, *secrets: str) -> None:
    stored = json.dumps([event.before, event.after, event.object_repr])
    for secret in secrets:
        assert secret not in stored
    assert "pbkdf2" not in stored
    assert "password" not in stored


def _reset_link() -> str:
    (message,) = mail.outbox
    found = re.search(r"http://testserver(/password-reset/[^\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_a_password_change_is_audited_by_its_holder(member: User) -> None:
    client = Client(REMOTE_ADDR=CLIENT_ADDRESS)
    client.force_login(member)
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("account")
    (event,) = _password_events()
    assert event.action == Action.PASSWORD_CHANGE
    assert event.user == member
    assert event.username == "member"
    assert event.record == member
    assert event.object_repr == "member"
    assert (event.channel, event.ip) == ("web", CLIENT_ADDRESS)
    assert event.after == {"username": "member", "is_active": True}
    _holds_no_secret(event, PASSWORD, NEW_PASSWORD)


def test_a_refused_password_change_records_nothing(member: User) -> None:
    client = Client()
    client.force_login(member)
    client.post(
        reverse("password-change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert _password_events() == []


def test_a_reset_request_and_the_reset_are_audited_without_the_token(member: User) -> None:
    member.email = "member@example.org"
    member.save()
    client = Client(REMOTE_ADDR=CLIENT_ADDRESS)
    response = client.post(reverse("password-reset"), {"email": "member@example.org"})
    assert response["Location"] == reverse("password-reset-sent")
    (request,) = _password_events()
    assert request.action == Action.PASSWORD_RESET_REQUEST
    # Whoever asked is not known: nobody is the actor; the account is the record.
    assert request.user is None
    assert request.username == ""
    assert request.record == member
    assert (request.channel, request.ip) == ("web", CLIENT_ADDRESS)
    link = _reset_link()
    _uid, token = link.strip("/").split("/")[-2:]
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    request_again, reset = _password_events()
    assert request_again == request
    assert reset.action == Action.PASSWORD_RESET
    assert reset.user == member
    assert reset.username == "member"
    assert reset.record == member
    assert (reset.channel, reset.ip) == ("web", CLIENT_ADDRESS)
    for event in (request, reset):
        _holds_no_secret(event, PASSWORD, NEW_PASSWORD, token)


def test_a_reset_request_for_an_unknown_address_records_nothing_and_answers_the_same(member: User) -> None:
    member.email = "member@example.org"
    member.save()
    known = Client().post(reverse("password-reset"), {"email": "member@example.org"})
    assert len(_password_events()) == 1
    unknown = Client().post(reverse("password-reset"), {"email": "nobody@example.org"})
    assert len(_password_events()) == 1
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1


def test_demo_reset_passwords_is_audited_from_the_command_line(db: None) -> None:
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", "--reset-passwords", stdout=out)
    printed = dict(line.split() for line in out.getvalue().splitlines()[1:])
    events = _password_events()
    assert {event.object_repr for event in events} == set(printed)
    for event in events:
        assert event.action == Action.PASSWORD_RESET
        assert (event.channel, event.ip, event.user) == ("cli", None, None)
        assert event.record == User.objects.get(username=event.object_repr)
        _holds_no_secret(event, printed[event.object_repr])


def test_the_password_actions_have_labels_in_english_and_french() -> None:
    expected = {
        Action.PASSWORD_CHANGE: ("Password changed", "Mot de passe modifié"),
        Action.PASSWORD_RESET_REQUEST: ("Password reset requested", "Réinitialisation du mot de passe demandée"),
        Action.PASSWORD_RESET: ("Password reset", "Mot de passe réinitialisé"),
    }
    for action, (english, french) in expected.items():
        with translation.override("en"):
            assert action_label(action) == english
        with translation.override("fr"):
            assert action_label(action) == french


def test_the_audit_log_shows_a_password_change_in_english_and_french(member: User) -> None:
    member_client = Client()
    member_client.force_login(member)
    member_client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    (event,) = _password_events()
    clerk = User.objects.create_user(username="clerk", password="a-long-test-password", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(content_type__app_label="audit"))
    reader = Client()
    reader.force_login(clerk)
    for language, label in (("en", "Password changed"), ("fr", "Mot de passe modifié")):
        reader.cookies["django_language"] = language
        listing = reader.get(reverse("admin:audit_auditevent_changelist"))
        assert listing.status_code == 200
        assert label in text(listing.content.decode())
        filtered = reader.get(reverse("admin:audit_auditevent_changelist"), {"action": Action.PASSWORD_CHANGE})
        assert label in text(filtered.content.decode())
        page = reader.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
        assert page.status_code == 200
        shown = text(page.content.decode())
        assert label in shown
        assert "member" in shown
        assert NEW_PASSWORD not in shown
