"""Creating and revoking API tokens, and adding or removing an authenticator app, are in the audit log: who, when,
from where; never the token or the app's secret."""

import io
import json

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egide.audit.models import Action, AuditEvent, action_label
from egide.security import tokens
from egide.security.models import ApiToken
from tests.security.helpers import code, give_device


def _events(model: type) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(model)).order_by("pk"))


def _text(event: AuditEvent) -> str:
    return json.dumps([event.before, event.after, event.object_repr])


def test_creating_and_revoking_a_token_on_the_web_is_audited(member: User) -> None:
    client = Client()
    client.force_login(member)
    response = client.post(reverse("tokens"), {"name": "monthly export"}, REMOTE_ADDR="192.0.2.4")
    secret = response.context["new_token"]
    record = ApiToken.objects.get()
    client.post(reverse("token-revoke", args=[record.pk]), REMOTE_ADDR="192.0.2.4")
    created, revoked = _events(ApiToken)
    assert (created.action, created.user, created.channel, created.ip) == ("create", member, "web", "192.0.2.4")
    assert created.object_id == record.pk
    assert created.after is not None
    assert created.after["name"] == "monthly export"
    assert created.after["prefix"] == record.prefix
    assert (revoked.action, revoked.user, revoked.channel) == (Action.REVOKE, member, "web")
    assert revoked.before is not None
    assert revoked.before["revoked_at"] is None
    assert revoked.after is not None
    assert revoked.after["revoked_at"] is not None
    for event in (created, revoked):
        assert secret not in _text(event)
        assert secret[6:] not in _text(event)
        assert record.digest not in _text(event)


def test_creating_and_revoking_a_token_on_the_command_line_is_audited(member: User) -> None:
    out = io.StringIO()
    call_command("token", "create", member.username, "--name", "cron", stdout=out, stderr=io.StringIO())
    secret = out.getvalue().strip()
    record = ApiToken.objects.get()
    call_command("token", "revoke", member.username, record.display_prefix, stdout=io.StringIO())
    created, revoked = _events(ApiToken)
    assert (created.action, created.user, created.channel) == ("create", None, "cli")
    assert (revoked.action, revoked.user, revoked.channel) == ("revoke", None, "cli")
    assert member.username in created.object_repr
    assert all(secret[6:] not in _text(event) for event in (created, revoked))


def test_revoking_twice_records_once(member: User) -> None:
    record, _secret = tokens.token_create(user=member, name="script", by=member)
    tokens.token_revoke(token=record, by=member)
    tokens.token_revoke(token=record, by=member)
    assert [event.action for event in _events(ApiToken)] == ["create", "revoke"]


def test_turning_two_factor_on_and_off_is_audited(member: User) -> None:
    client = Client()
    client.force_login(member)
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=member)
    client.post(reverse("two-factor-setup"), {"code": code(device)}, REMOTE_ADDR="192.0.2.9")
    client.post(reverse("two-factor-disable"), {"code": code(device)}, REMOTE_ADDR="192.0.2.9")
    assert not TOTPDevice.objects.exists()
    added, removed = _events(TOTPDevice)
    assert (added.action, added.user, added.ip, added.channel) == ("create", member, "192.0.2.9", "web")
    assert (removed.action, removed.user) == ("delete", member)
    assert added.object_id == removed.object_id == device.pk
    assert added.after == {"user": member.pk, "name": device.name, "confirmed": True}
    for event in (added, removed):
        assert device.key not in _text(event)


def test_a_wrong_code_changes_nothing_and_records_nothing(member: User) -> None:
    device = give_device(member)
    client = Client()
    client.force_login(member)
    client.post(reverse("two-factor-disable"), {"code": "000000" if code(device) != "000000" else "111111"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert _events(TOTPDevice) == []


def test_the_revocation_has_a_translated_label() -> None:
    assert action_label(Action.REVOKE) == "Revoked"
