"""Every change made in Django's admin is in the audit log: who, when, from where, before and after; passwords never.

The admin is for platform staff, whose sessions must have confirmed a two-factor code (`verified_superuser_client`).
"""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egide.accounts.models import Membership, Organisation, OrganisationType, Role
from egide.audit.models import AuditEvent
from egide.audit.selectors import changes
from egide.core.admin import AuditedAdmin, ReadOnlyAdmin

NEW_PASSWORD = "a-brand-new-long-password"


def _events(instance: Model) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
        ).order_by("created_at", "id")
    )


def _stored(event: AuditEvent) -> str:
    return json.dumps([event.before, event.after])


def _user_form(user: User, **changes: object) -> dict[str, object]:
    """What the admin's user change form posts for this user, with some fields changed."""
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "groups": [group.pk for group in user.groups.all()],
        "user_permissions": [permission.pk for permission in user.user_permissions.all()],
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


@pytest.fixture
def eve(db: None) -> User:
    return User.objects.create_user(username="eve", password="an-old-long-password", email="eve@example.org")


def test_superuser_promotion_in_the_admin_is_audited(
    verified_superuser_client: Client, verified_superuser: User, eve: User
) -> None:
    permission = Permission.objects.get(codename="view_auditevent")
    response = verified_superuser_client.post(
        reverse("admin:auth_user_change", args=[eve.pk]),
        _user_form(eve, is_staff=True, is_superuser=True, user_permissions=[permission.pk]),
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    eve.refresh_from_db()
    assert eve.is_superuser
    [event] = _events(eve)
    assert event.action == "update"
    assert (event.user, event.username, event.ip, event.channel) == (
        verified_superuser,
        "verified-staff",
        "203.0.113.9",
        "web",
    )
    assert event.object_repr == "eve"
    assert (event.before["is_superuser"], event.after["is_superuser"]) == (False, True)
    assert (event.before["is_staff"], event.after["is_staff"]) == (False, True)
    assert event.before["user_permissions"] == []
    assert event.after["user_permissions"] == ["audit.view_auditevent"]
    assert "password" not in event.before
    assert "password" not in event.after
    assert eve.password not in _stored(event)


def test_demotion_and_group_membership_are_audited(verified_superuser_client: Client, db: None) -> None:
    group = Group.objects.create(name="Reviewers")
    admin_user = User.objects.create_superuser(username="former-admin", password="a-long-test-password")
    response = verified_superuser_client.post(
        reverse("admin:auth_user_change", args=[admin_user.pk]),
        _user_form(admin_user, is_superuser=False, groups=[group.pk]),
    )
    assert response.status_code == 302
    [event] = _events(admin_user)
    assert (event.before["is_superuser"], event.after["is_superuser"]) == (True, False)
    assert (event.before["groups"], event.after["groups"]) == ([], ["Reviewers"])


def test_a_user_created_in_the_admin_is_audited_without_the_password(verified_superuser_client: Client) -> None:
    response = verified_superuser_client.post(
        reverse("admin:auth_user_add"),
        {"username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    [event] = _events(newcomer)
    assert event.action == "create"
    assert event.before is None
    assert event.after["username"] == "newcomer"
    assert event.after["password"] == "set"
    assert NEW_PASSWORD not in _stored(event)
    assert newcomer.password not in _stored(event)


def test_a_password_changed_in_the_admin_is_audited_without_the_password(
    verified_superuser_client: Client, verified_superuser: User, eve: User
) -> None:
    old_hash = eve.password
    response = verified_superuser_client.post(
        reverse("admin:auth_user_password_change", args=[eve.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    eve.refresh_from_db()
    assert eve.check_password(NEW_PASSWORD)
    [event] = _events(eve)
    assert (event.action, event.user) == ("update", verified_superuser)
    assert changes(event) == [("password", None, "changed")]
    for secret in (NEW_PASSWORD, old_hash, eve.password):
        assert secret not in _stored(event)


def test_a_user_deleted_in_the_admin_is_audited(verified_superuser_client: Client, eve: User) -> None:
    pk = eve.pk
    response = verified_superuser_client.post(reverse("admin:auth_user_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    [event] = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=pk)
    assert event.action == "delete"
    assert event.before["username"] == "eve"
    assert "password" not in event.before
    assert event.after is None


def test_users_deleted_in_bulk_in_the_admin_are_audited(verified_superuser_client: Client, eve: User) -> None:
    other = User.objects.create_user(username="mallory", password="a-long-test-password")
    response = verified_superuser_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [eve.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(User), action="delete")
    assert sorted(deleted.values_list("object_repr", flat=True)) == ["eve", "mallory"]


def test_group_permission_changes_are_audited(verified_superuser_client: Client) -> None:
    change, view = Permission.objects.filter(codename__in=["view_actor", "change_actor"]).order_by("codename")
    response = verified_superuser_client.post(
        reverse("admin:auth_group_add"), {"name": "Editors", "permissions": [view.pk, change.pk]}
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Editors")
    response = verified_superuser_client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "Editors", "permissions": [view.pk]}
    )
    assert response.status_code == 302
    created, changed = _events(group)
    assert created.action == "create"
    assert created.after["permissions"] == ["actors.change_actor", "actors.view_actor"]
    assert changed.action == "update"
    assert (changed.before["permissions"], changed.after["permissions"]) == (
        ["actors.change_actor", "actors.view_actor"],
        ["actors.view_actor"],
    )


def test_organisation_and_membership_changes_in_the_admin_are_audited(
    verified_superuser_client: Client, eve: User
) -> None:
    response = verified_superuser_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name_en": "Audit Office", "name_fr": "Cour des comptes", "acronym": "AO", "type": OrganisationType.OTHER},
        REMOTE_ADDR="198.51.100.3",
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(acronym="AO")
    response = verified_superuser_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": eve.pk, "organisation": organisation.pk, "role": Role.VIEWER, "countries": "[]"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=eve)
    response = verified_superuser_client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": eve.pk, "organisation": organisation.pk, "role": Role.ADMINISTRATOR, "countries": "[]"},
    )
    assert response.status_code == 302
    [created] = _events(organisation)
    assert (created.action, created.ip, created.after["acronym"]) == ("create", "198.51.100.3", "AO")
    added, promoted = _events(membership)
    assert added.action == "create"
    assert (promoted.before["role"], promoted.after["role"]) == (Role.VIEWER, Role.ADMINISTRATOR)
    assert promoted.organisation == organisation


def test_every_admin_that_can_change_data_is_audited() -> None:
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdmin | ReadOnlyAdmin), model


def test_an_authenticator_secret_never_reaches_the_log(verified_superuser_client: Client, eve: User) -> None:
    device = TOTPDevice.objects.create(user=eve, name="Phone", confirmed=True)
    change_url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    assert verified_superuser_client.get(change_url).status_code == 200
    response = verified_superuser_client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(TOTPDevice))
    assert (event.action, event.before["name"], event.before["confirmed"]) == ("delete", "Phone", True)
    assert "key" not in event.before
    assert device.key not in _stored(event)


@pytest.mark.parametrize(
    "page", ["admin:auth_user_changelist", "admin:auth_user_add", "admin:auth_group_add", "admin:index"]
)
def test_the_audited_admin_pages_still_open(verified_superuser_client: Client, page: str) -> None:
    assert verified_superuser_client.get(reverse(page)).status_code == 200
