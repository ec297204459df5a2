"""Personal API tokens: made and revoked by their owner (pages, command line); `Authorization: Bearer` opens the API."""

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egide.actors.models import Actor
from egide.security import tokens
from egide.security.models import ApiToken
from tests.conftest import SmallMap

PASSWORD = "a-long-test-password"


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user(username="alice", password=PASSWORD)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def call(method: str, url: str, *, client: Client | None = None, token: str = "", payload: Any = None) -> HttpResponse:
    client = client or Client(enforce_csrf_checks=True)
    headers = bearer(token) if token else {}
    if method == "get":
        response: HttpResponse = client.get(url, headers=headers)
    else:
        body = json.dumps(payload or {})
        response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
    return response


# --- The tokens themselves -------------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_digest(alice: User) -> None:
    record, secret = tokens.token_create(user=alice, name="script", by=alice)
    assert re.fullmatch(r"egide_[\w-]{43}", secret)
    record.refresh_from_db()
    assert record.digest == tokens.digest(secret)
    assert record.prefix == secret[6:14]
    assert record.display_prefix == f"egide_{secret[6:14]}…"
    stored = " ".join(str(value) for value in ApiToken.objects.values().get().values())
    assert secret not in stored
    assert secret[6:] not in stored


def test_tokens_are_all_different(alice: User) -> None:
    secrets = {tokens.token_create(user=alice, name=f"t{n}", by=alice)[1] for n in range(20)}
    assert len(secrets) == 20


# --- The API with a token --------------------------------------------------------------------------------------------


def test_a_token_reads_and_writes_with_its_owners_permissions(member: User, small_map: SmallMap) -> None:
    _, secret = tokens.token_create(user=member, name="script", by=member)
    session = Client()
    session.force_login(member)
    for url in ["/api/v1/countries", "/api/v1/countries/CF/map", f"/api/v1/actors/{small_map.army.pk}"]:
        by_token = call("get", url, token=secret)
        assert by_token.status_code == 200, url
        assert by_token.json() == call("get", url, client=session).json(), url
    payload = {"kind": "gendarmerie", "name_en": "Gendarmerie"}
    by_session = call("post", "/api/v1/countries/CF/actors", client=session, payload=payload)
    by_token = call("post", "/api/v1/countries/CF/actors", token=secret, payload=payload | {"name_en": "Coast guard"})
    assert by_session.status_code == by_token.status_code == 201
    assert Actor.objects.filter(name_en="Coast guard").exists()


def test_a_token_needs_no_csrf_token(member: User, small_map: SmallMap) -> None:
    _, secret = tokens.token_create(user=member, name="script", by=member)
    response = call("delete", f"/api/v1/actors/{small_map.newspaper.pk}", token=secret)
    assert response.status_code == 204
    assert not Actor.objects.filter(pk=small_map.newspaper.pk).exists()


def test_a_token_has_exactly_the_sessions_rights(small_map: SmallMap) -> None:
    """Whatever the rules say of a user who belongs to no organisation, they say it for the token too."""
    loner = User.objects.create_user(username="loner", password=PASSWORD)
    _, secret = tokens.token_create(user=loner, name="script", by=loner)
    session = Client()
    session.force_login(loner)
    requests = [
        ("get", "/api/v1/countries/CF/actors", None),
        ("get", f"/api/v1/actors/{small_map.army.pk}", None),
        ("post", "/api/v1/countries/CF/actors", {"kind": "gendarmerie", "name_en": "Gendarmerie"}),
        ("patch", f"/api/v1/actors/{small_map.police.pk}", {"name_en": "Renamed"}),
    ]
    for method, url, payload in requests:
        by_session = call(method, url, client=session, payload=payload)
        by_token = call(method, url, token=secret, payload=payload)
        assert by_session.status_code == by_token.status_code, (method, url)
        if method != "get":
            Actor.objects.filter(name_en__in=["Gendarmerie", "Renamed"]).delete()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_token_is_refused(member: User, small_map: SmallMap, method: str) -> None:
    for token in ["egide_" + "x" * 43, "not-even-ours", ""]:
        response = Client().generic(
            method.upper(), "/api/v1/countries/CF/actors", headers={"Authorization": f"Bearer {token}".strip()}
        )
        assert response.status_code == 401, token
        assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_revoked_token_is_refused(member: User, small_map: SmallMap, method: str) -> None:
    record, secret = tokens.token_create(user=member, name="script", by=member)
    tokens.token_revoke(token=record, by=member)
    response = call(method, "/api/v1/countries/CF/actors", token=secret, payload={"kind": "police", "name_en": "X"})
    assert response.status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(member: User, small_map: SmallMap) -> None:
    _, secret = tokens.token_create(user=member, name="script", by=member)
    member.is_active = False
    member.save()
    assert call("get", "/api/v1/countries", token=secret).status_code == 401


def test_a_bad_token_is_refused_even_with_a_valid_session(member: User, small_map: SmallMap) -> None:
    session = Client()
    session.force_login(member)
    assert call("get", "/api/v1/countries", client=session, token="egide_unknown").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(alice: User, small_map: SmallMap) -> None:
    record, secret = tokens.token_create(user=alice, name="script", by=alice)
    assert record.last_used_at is None
    call("get", "/api/v1/countries", token=secret)
    record.refresh_from_db()
    first = record.last_used_at
    assert first is not None
    call("get", "/api/v1/countries", token=secret)
    record.refresh_from_db()
    assert record.last_used_at == first
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now() - timedelta(seconds=61))
    call("get", "/api/v1/countries", token=secret)
    record.refresh_from_db()
    assert record.last_used_at is not None
    assert record.last_used_at > first - timedelta(seconds=1)
    assert timezone.now() - record.last_used_at < timedelta(seconds=5)


# --- The pages -------------------------------------------------------------------------------------------------------


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_user_creates_a_token_and_sees_it_once(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("tokens"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    response = client.post(reverse("tokens"), {"name": "nightly export", "csrfmiddlewaretoken": csrf_token(page.text)})
    assert response.status_code == 200
    shown = re.search(r"<code>(egide_[\w-]{43})</code>", response.text)
    assert shown is not None
    record = ApiToken.objects.get(user=alice)
    assert record.name == "nightly export"
    assert record.digest == tokens.digest(shown.group(1))
    again = client.get(reverse("tokens")).text
    assert shown.group(1) not in again
    assert record.display_prefix in again
    assert "nightly export" in again


def test_creating_a_token_needs_the_csrf_token(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("tokens"), {"name": "forged"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    response = client.post(reverse("tokens"), {"name": ""})
    assert response.status_code == 200
    assert 'class="error" role="alert"' in response.text
    assert not ApiToken.objects.exists()


def test_a_user_revokes_a_token(alice: User, small_map: SmallMap) -> None:
    record, secret = tokens.token_create(user=alice, name="script", by=alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("tokens")).text
    assert f'action="{reverse("token-revoke", args=[record.pk])}"' in page
    assert client.post(reverse("token-revoke", args=[record.pk])).status_code == 403, "CSRF"
    response = client.post(reverse("token-revoke", args=[record.pk]), {"csrfmiddlewaretoken": csrf_token(page)})
    assert response.status_code == 302
    assert response["Location"] == reverse("tokens")
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert call("get", "/api/v1/countries", token=secret).status_code == 401
    assert "Revoked tokens" in client.get(reverse("tokens")).text


def test_nobody_else_can_revoke_or_see_a_token(alice: User) -> None:
    record, _ = tokens.token_create(user=alice, name="alice's script", by=alice)
    bob = User.objects.create_user(username="bob", password=PASSWORD)
    client = Client()
    client.force_login(bob)
    assert client.post(reverse("token-revoke", args=[record.pk])).status_code == 404
    assert "alice&#x27;s script" not in client.get(reverse("tokens")).text
    record.refresh_from_db()
    assert record.revoked_at is None


def test_revoking_needs_a_post(alice: User) -> None:
    record, _ = tokens.token_create(user=alice, name="script", by=alice)
    client = Client()
    client.force_login(alice)
    assert client.get(reverse("token-revoke", args=[record.pk])).status_code == 405


# --- The command line ------------------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_creates_lists_and_revokes_tokens(alice: User, small_map: SmallMap) -> None:
    secret = run("create", "alice", "--name", "backup job").strip()
    assert re.fullmatch(r"egide_[\w-]{43}", secret)
    record = ApiToken.objects.get(user=alice)
    assert (record.name, record.digest) == ("backup job", tokens.digest(secret))
    assert call("get", "/api/v1/countries", token=secret).status_code == 200
    listing = run("list", "alice")
    assert record.display_prefix in listing
    assert "backup job" in listing
    assert "active" in listing
    assert secret not in listing
    assert "Revoked" in run("revoke", "alice", record.display_prefix)
    assert "revoked" in run("list", "alice")
    assert call("get", "/api/v1/countries", token=secret).status_code == 401


def test_the_command_revokes_by_the_bare_prefix(alice: User) -> None:
    record, _ = tokens.token_create(user=alice, name="script", by=alice)
    # A fixed prefix: a random one may start with "-", which a command line reads as an option (the listing's
    # egide_… form, used elsewhere, never does).
    ApiToken.objects.filter(pk=record.pk).update(prefix="abcdEFGH")
    run("revoke", "alice", "abcdEFGH")
    record.refresh_from_db()
    assert record.revoked_at is not None


def test_the_command_has_a_default_name(alice: User) -> None:
    run("create", "alice")
    assert ApiToken.objects.get().name == "command line"


def test_the_command_refuses_unknown_users_and_prefixes(alice: User) -> None:
    with pytest.raises(CommandError, match="no user"):
        run("create", "nobody")
    with pytest.raises(CommandError, match="no active token"):
        run("revoke", "alice", "egide_zzzzzzzz")
    bob = User.objects.create_user(username="bob", password=PASSWORD)
    record, _ = tokens.token_create(user=bob, name="bob's", by=bob)
    with pytest.raises(CommandError, match="no active token"):
        run("revoke", "alice", record.display_prefix)


def test_listing_a_user_without_tokens(alice: User) -> None:
    assert "no tokens" in run("list", "alice")
