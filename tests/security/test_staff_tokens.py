"""Platform staff (superusers) cannot hold API tokens: their sessions need a second factor that a token cannot give.

Creating one is refused on the web and on the command line; a token made before the rule, or whose user was
promoted later, is refused when used, with a message saying why.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from egide.security import tokens
from egide.security.models import ApiToken
from tests.conftest import SmallMap
from tests.security.helpers import verified_client

STAFF_REFUSAL = "Platform staff cannot hold API tokens"


def _legacy_token(user: User) -> str:
    """A staff token as one could be made before the rule: written straight to the table."""
    secret = tokens.TOKEN_START + "x" * 43
    ApiToken.objects.create(user=user, name="old", prefix=secret[6:14], digest=tokens.digest(secret))
    return secret


def test_a_superuser_cannot_create_a_token_on_the_web(verified_superuser: User) -> None:
    client = verified_client(verified_superuser)
    page = client.get(reverse("tokens"))
    assert page.status_code == 200
    assert STAFF_REFUSAL in page.content.decode()
    assert 'name="name"' not in page.content.decode()  # no form to fill in
    response = client.post(reverse("tokens"), {"name": "script"})
    assert response.status_code == 403
    assert STAFF_REFUSAL in response.content.decode()
    assert "egide_" not in response.content.decode().replace("Bearer egide_…", "")
    assert not ApiToken.objects.exists()


def test_a_superuser_cannot_create_a_token_on_the_command_line(verified_superuser: User) -> None:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="platform staff"):
        call_command("token", "create", verified_superuser.username, stdout=out, stderr=err)
    assert "egide_" not in out.getvalue()
    assert not ApiToken.objects.exists()


def test_the_service_refuses_a_superuser(verified_superuser: User) -> None:
    with pytest.raises(PermissionError, match=STAFF_REFUSAL):
        tokens.token_create(user=verified_superuser, name="script", by=verified_superuser)
    assert not ApiToken.objects.exists()


def test_an_old_staff_token_is_refused_with_a_reason(verified_superuser: User, small_map: SmallMap) -> None:
    secret = _legacy_token(verified_superuser)
    response = Client().get("/api/v1/countries/CF/actors", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert STAFF_REFUSAL in response.json()["detail"]


def test_a_token_whose_user_was_promoted_is_refused(member: User, small_map: SmallMap) -> None:
    _record, secret = tokens.token_create(user=member, name="script", by=member)
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/v1/countries/CF/actors", headers=headers).status_code == 200
    member.is_superuser = True
    member.save()
    response = Client().get("/api/v1/countries/CF/actors", headers=headers)
    assert response.status_code == 403
    assert STAFF_REFUSAL in response.json()["detail"]
    change = Client().post(
        "/api/v1/countries/CF/actors", {"reference": "X"}, content_type="application/json", headers=headers
    )
    assert change.status_code == 403


def test_staff_may_still_list_and_revoke_their_old_tokens(verified_superuser: User) -> None:
    _legacy_token(verified_superuser)
    record = ApiToken.objects.get()
    client = verified_client(verified_superuser)
    assert record.display_prefix in client.get(reverse("tokens")).content.decode()
    assert client.post(reverse("token-revoke", args=[record.pk])).status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None


def test_ordinary_users_still_create_tokens_everywhere(owner: User, member: User, outsider: User) -> None:
    for user in (owner, member, outsider):
        client = Client()
        client.force_login(user)
        response = client.post(reverse("tokens"), {"name": "script"})
        assert response.status_code == 200
        assert "egide_" in response.content.decode()
    out = io.StringIO()
    call_command("token", "create", member.username, stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("egide_")
    assert ApiToken.objects.count() == 4
