"""Invitations: an organisation's administrator invites a person by e-mail with a role and countries; the person
chooses a username and a password from the link, which works once and expires."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egide.accounts import services
from egide.accounts.models import Invitation, Membership, Organisation, Role
from egide.audit.models import AuditEvent
from tests.actors.html import element, elements, field_errors, table_rows, text, text_of
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-fresh-long-passphrase-42"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(client: Client, organisation: Organisation, **fields: str) -> object:
    data = {"invite-email": "ana@example.org", "invite-role": Role.EDITOR, "invite-countries": "CF, cd"}
    data.update({f"invite-{name}": value for name, value in fields.items()})
    return client.post(reverse("invitation-create", kwargs={"pk": organisation.pk}), data)


def _link() -> str:
    (message,) = mail.outbox
    found = re.search(r"http://testserver(/invitation/[^/\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_an_administrator_invites_by_e_mail(owner: User, organisation: Organisation) -> None:
    response = _invite(_client(owner), organisation)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.countries) == ("ana@example.org", "editor", ["CD", "CF"])
    assert invitation.invited_by == owner
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "Ministry for Europe and Foreign Affairs" in message.subject
    assert "as Editor" in message.body
    page = _client(owner).get(reverse("organisation-detail", kwargs={"pk": organisation.pk})).content.decode()
    assert table_rows(page, "pending-invitations")[0][:3] == ["ana@example.org", "Editor", "CD, CF"]
    event = AuditEvent.objects.get(action="create", content_type__model="invitation")
    assert event.username == "owner"
    assert "secret_digest" not in event.after


def test_the_secret_of_the_link_is_not_stored(owner: User, organisation: Organisation) -> None:
    _invite(_client(owner), organisation)
    secret = _link().split("/")[2]
    assert secret not in Invitation.objects.get().secret_digest


@pytest.mark.parametrize("reader", ["member", "outsider"])
def test_only_administrators_invite(
    member: User, outsider: User, organisation: Organisation, owner: User, reader: str
) -> None:
    user = {"member": member, "outsider": outsider}[reader]
    response = _invite(_client(user), organisation)
    assert response.status_code == {"member": 403, "outsider": 404}[reader]
    assert not Invitation.objects.exists()
    assert not mail.outbox
    page = _client(member).get(reverse("organisation-detail", kwargs={"pk": organisation.pk})).content.decode()
    assert not elements(page, "#invitation-form")


def test_a_bad_address_or_country_is_refused_next_to_its_field(owner: User, organisation: Organisation) -> None:
    response = _invite(_client(owner), organisation, email="not an address", countries="CF")
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "invite-email") == ["Enter a valid email address."]
    response = _invite(_client(owner), organisation, countries="ZZ")
    assert field_errors(response.content.decode(), "invite-countries") == ["Unknown country codes: ZZ."]
    assert not Invitation.objects.exists()


def test_the_invited_person_creates_an_account_with_the_role(owner: User, organisation: Organisation) -> None:
    _invite(_client(owner), organisation)
    link = _link()
    visitor = Client()
    page = visitor.get(link).content.decode()
    assert "You are invited to join Ministry for Europe and Foreign Affairs as Editor." in text(page)
    response = visitor.post(link, {"username": "ana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("login")
    ana = User.objects.get(username="ana")
    assert ana.email == "ana@example.org"
    assert ana.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=ana)
    assert (membership.organisation, membership.role, membership.countries) == (organisation, "editor", ["CD", "CF"])
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == ana
    assert AuditEvent.objects.filter(action="update", content_type__model="invitation", username="ana").exists()
    assert visitor.post(reverse("login"), {"username": "ana", "password": NEW_PASSWORD}).status_code == 302


def test_the_link_works_once(owner: User, organisation: Organisation) -> None:
    _invite(_client(owner), organisation)
    link = _link()
    Client().post(link, {"username": "ana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().post(link, {"username": "eve", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert again.status_code == 410
    assert "This invitation has already been used." in text_of(element(again.content.decode(), "#invitation-problem"))
    assert not User.objects.filter(username="eve").exists()


def test_an_expired_or_withdrawn_link_does_not_work(owner: User, organisation: Organisation) -> None:
    _invite(_client(owner), organisation)
    link = _link()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    expired = Client().get(link)
    assert expired.status_code == 410
    assert "This invitation has expired." in text(expired.content.decode())
    Invitation.objects.update(expires_at=timezone.now() + datetime.timedelta(days=1))
    response = _client(owner).post(reverse("invitation-revoke", kwargs={"pk": Invitation.objects.get().pk}))
    assert response.status_code == 302
    withdrawn = Client().post(link, {"username": "ana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert withdrawn.status_code == 410
    assert "This invitation was withdrawn." in text(withdrawn.content.decode())
    assert AuditEvent.objects.filter(action="revoke", content_type__model="invitation").exists()
    assert not User.objects.filter(username="ana").exists()


def test_an_unknown_link_does_not_work(db: None) -> None:
    response = Client().get(reverse("invitation-accept", kwargs={"secret": "no-such-secret"}))
    assert response.status_code == 410
    assert "This invitation link is not valid." in text(response.content.decode())


def test_a_taken_username_or_a_weak_password_is_refused(owner: User, organisation: Organisation) -> None:
    _invite(_client(owner), organisation)
    link = _link()
    User.objects.create_user(username="member", password=PASSWORD)
    taken = Client().post(link, {"username": "MEMBER", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert field_errors(taken.content.decode(), "username") == ["This username is taken. Choose another one."]
    weak = Client().post(link, {"username": "ana", "password1": "123", "password2": "123"})
    assert field_errors(weak.content.decode(), "password1")
    differ = Client().post(link, {"username": "ana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert field_errors(differ.content.decode(), "password2") == ["The two passwords differ."]
    assert Invitation.objects.get().accepted_at is None


def test_a_member_cannot_withdraw_an_invitation(owner: User, member: User, organisation: Organisation) -> None:
    invitation = services.invitation_create(
        user=owner,
        organisation=organisation,
        email="ana@example.org",
        role=Role.VIEWER,
        countries=[],
        accept_url=lambda secret: f"http://testserver/invitation/{secret}/",
    )
    _client(member).post(reverse("invitation-revoke", kwargs={"pk": invitation.pk}))
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_page_in_french(owner: User, organisation: Organisation) -> None:
    client = _client(owner)
    client.cookies["django_language"] = "fr"
    page = text(client.get(reverse("organisation-detail", kwargs={"pk": organisation.pk})).content.decode())
    assert "Inviter une personne" in page
    assert "Envoyer l’invitation" in page
