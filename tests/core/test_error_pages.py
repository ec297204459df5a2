"""The error pages (400, 403, 404, 500): the reason in the reader's language, in the product's frame."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.actors.html import text
from tests.conftest import SmallMap


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A French request leaves French active in this thread: later tests expect the default language."""
    yield
    translation.activate("en")


def _share(client: Client, small_map: SmallMap, **headers: str) -> tuple[int, str]:
    response = client.post(reverse("actor-share", kwargs={"pk": small_map.army.pk}), {"organisation": "OM"}, **headers)
    return response.status_code, text(response.content.decode())


@pytest.mark.django_db
def test_a_refusal_says_who_may_do_it(outsider: User, small_map: SmallMap) -> None:
    client = Client()
    client.force_login(outsider)
    status, page = _share(client, small_map)
    assert status == 403
    assert "Not allowed" in page
    assert "Only the owner organisation's editors may change whom this record is shared with." in page
    status, page = _share(client, small_map, HTTP_ACCEPT_LANGUAGE="fr")
    assert status == 403
    assert "Accès refusé" in page
    assert "Seuls les éditeurs de l’organisation propriétaire peuvent modifier les organisations" in page


@pytest.mark.django_db
def test_a_missing_record_is_named_and_an_unknown_address_is_not(anonymous_client: Client) -> None:
    missing = anonymous_client.get(reverse("actor-detail", kwargs={"pk": 999_999}))
    assert missing.status_code == 404
    page = text(missing.content.decode())
    assert "No such actor. This page does not exist, or you may not see it." in page
    unknown = text(anonymous_client.get("/no/such/page/").content.decode())
    assert "This page does not exist, or you may not see it." in unknown
    assert "Resolver404" not in unknown
    french = anonymous_client.get(reverse("actor-detail", kwargs={"pk": 999_999}), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Acteur introuvable. Cette page n’existe pas" in text(french.content.decode())


def test_the_server_error_page_renders_without_the_static_files_manifest(settings: object) -> None:
    # The manifest missing (collectstatic not run) is itself a cause of server errors: the page must not need it.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with translation.override("fr"):
        html = render_to_string("500.html")
    assert '<link rel="stylesheet" href="/static/egide/app.css">' in html
    assert "Erreur du serveur" in html
    assert "Le serveur a rencontré une erreur et n’a pas pu répondre." in html
