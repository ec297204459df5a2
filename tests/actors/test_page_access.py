"""Who may open and post to the map's pages: anonymous visitors and signed-in members."""

from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.actors.models import Actor, Citation, Relationship, Source
from tests.actors.pages import HTMX, actor_names
from tests.conftest import SmallMap


def _reading_urls(small_map: SmallMap, constitution: Source) -> list[str]:
    return [
        reverse("home"),
        reverse("country-detail", kwargs={"code": "CF"}),
        reverse("country-actors-table", kwargs={"code": "CF"}),
        reverse("country-relationships-table", kwargs={"code": "CF"}),
        reverse("country-export", kwargs={"code": "CF", "fmt": "json"}),
        reverse("import-template", kwargs={"fmt": "xlsx"}),
        reverse("actor-detail", kwargs={"pk": small_map.army.pk}),
        reverse("source-document", kwargs={"pk": constitution.pk}),
    ]


def _writing_urls(small_map: SmallMap) -> list[str]:
    return [
        reverse("actor-create", kwargs={"code": "CF"}),
        reverse("relationship-create", kwargs={"code": "CF"}),
        reverse("country-import", kwargs={"code": "CF"}),
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}),
    ]


def _page_urls(small_map: SmallMap, constitution: Source) -> list[str]:
    return _reading_urls(small_map, constitution) + _writing_urls(small_map)


def test_writing_pages_send_anonymous_visitors_to_the_login_page(anonymous_client: Client, small_map: SmallMap) -> None:
    for url in _writing_urls(small_map):
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url


def test_anonymous_visitors_see_the_public_view_without_hidden_records(
    anonymous_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    small_map.army.confidentiality = "public"
    small_map.army.save()
    for url in (reverse("home"), reverse("country-detail", kwargs={"code": "CF"})):
        assert anonymous_client.get(url).status_code == 200, url
    assert actor_names(anonymous_client.get(reverse("country-actors", kwargs={"code": "CF"}))) == ["Armed Forces"]
    assert anonymous_client.get(reverse("actor-detail", kwargs={"pk": small_map.army.pk})).status_code == 200
    # Partner-level records do not exist for the public, down to their sources and documents.
    assert anonymous_client.get(reverse("actor-detail", kwargs={"pk": small_map.police.pk})).status_code == 404
    assert anonymous_client.get(reverse("source-document", kwargs={"pk": constitution.pk})).status_code == 404
    partial = anonymous_client.get(reverse("country-actors-table", kwargs={"code": "CF"}), **HTMX)
    assert partial.status_code == 200
    assert "National Police" not in partial.content.decode()


def test_anonymous_posts_change_nothing(anonymous_client: Client, small_map: SmallMap, constitution: Source) -> None:
    citation = Citation.objects.filter(actor=small_map.defence).get()
    posts = [
        (reverse("actor-create", kwargs={"code": "CF"}), {"name_en": "Gendarmerie", "kind": "gendarmerie"}),
        (reverse("actor-edit", kwargs={"pk": small_map.army.pk}), {"name_en": "Renamed", "kind": "armed_forces"}),
        (reverse("actor-delete", kwargs={"pk": small_map.army.pk}), {}),
        (reverse("relationship-delete", kwargs={"pk": small_map.commands.pk}), {}),
        (reverse("citation-delete", kwargs={"pk": citation.pk}), {}),
    ]
    for url, data in posts:
        response = anonymous_client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert Actor.objects.count() == 7
    assert Actor.objects.get(pk=small_map.army.pk).name_en == "Armed Forces"
    assert Relationship.objects.count() == 3
    assert Citation.objects.count() == 2


def test_every_page_answers_a_signed_in_member(
    member_client: Client, small_map: SmallMap, constitution: Source, settings: LazySettings
) -> None:
    constitution.document = SimpleUploadedFile("constitution.pdf", b"%PDF-1.4 text")
    constitution.save()
    for url in _page_urls(small_map, constitution):
        response = member_client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            # Reading the stream to its end closes it as a server would, without closing the test's connection.
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
