"""Every `next` a page follows stays on the platform: an external one falls back to a safe page.

The attack of issue 7: POST /shares/N/remove/ followed any `next`, an external site included.
"""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation, Share
from egide.actors.models import Actor
from tests.conftest import ActorFactory

OUTSIDE = [
    "https://evil.example/",
    "//evil.example/path",
    "http://evil.example",
    "https:evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
]


@pytest.fixture
def share(make_actor: ActorFactory, other_organisation: Organisation) -> Share:
    actor = make_actor(kind="police", name="Police", reference="POL", confidentiality="restricted")
    return Share.objects.create(
        content_type=ContentType.objects.get_for_model(Actor),
        object_id=actor.pk,
        organisation=other_organisation,
        country="CF",
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("target", OUTSIDE)
def test_removing_a_share_never_redirects_outside(share: Share, member: User, target: str) -> None:
    response = _client(member).post(f"/shares/{share.pk}/remove/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/actors/{share.object_id}/"
    assert not Share.objects.filter(pk=share.pk).exists()


def test_removing_a_share_follows_a_next_on_the_platform(share: Share, member: User) -> None:
    response = _client(member).post(f"/shares/{share.pk}/remove/", {"next": f"/actors/{share.object_id}/#sharing"})
    assert response["Location"] == f"/actors/{share.object_id}/#sharing"


def test_a_next_on_plain_http_is_refused_when_the_request_is_secure(share: Share, member: User) -> None:
    response = _client(member).post(
        f"/shares/{share.pk}/remove/", {"next": "http://testserver/countries/CF/"}, secure=True
    )
    assert response["Location"] == f"/actors/{share.object_id}/"


def test_an_outsider_cannot_remove_a_share(share: Share, outsider: User) -> None:
    response = _client(outsider).post(f"/shares/{share.pk}/remove/", {"next": "https://evil.example/"})
    assert response.status_code == 404
    assert Share.objects.filter(pk=share.pk).exists()


# The other pages that follow a `next` already checked it; these tests keep it so.


@pytest.mark.parametrize("target", OUTSIDE)
def test_logging_in_never_redirects_outside(member: User, target: str) -> None:
    from tests.conftest import PASSWORD

    response = Client().post(reverse("login"), {"username": "member", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_language_switch_never_redirects_outside(db: None, target: str) -> None:
    response = Client().post("/i18n/setlang/", {"language": "fr", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
