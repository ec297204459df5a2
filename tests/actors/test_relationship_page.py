"""A relationship's own page: its facts, sources, history and the edit and delete buttons, for those who may see it."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Relationship, Source
from tests.actors.html import element, elements, text, text_of
from tests.actors.pages import HTMX
from tests.conftest import SmallMap


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(client: Client, relationship: Relationship) -> str:
    response = client.get(reverse("relationship-detail", kwargs={"pk": relationship.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_relationships_facts(member_client: Client, small_map: SmallMap) -> None:
    relationship = services.relationship_update(
        user=None,
        relationship=small_map.oversees,
        data=RelationshipData(
            source=small_map.parliament,
            target=small_map.defence,
            type="oversees",
            legal_basis="Constitution, art. 60",
            strength="strong",
            confidence="high",
            notes="Hearings twice a year.",
            owner=small_map.oversees.owner,
        ),
    )
    html = _page(member_client, relationship)
    assert text_of(element(html, "h1")) == "National Assembly oversees (parliamentary) Ministry of Defence"
    facts = text_of(element(html, "article dl"))
    assert "From National Assembly To Ministry of Defence" in facts.replace(
        " Relationship oversees (parliamentary)", ""
    )
    assert "Legal basis Constitution, art. 60" in facts
    assert "Strength Strong" in facts
    assert "Confidence High" in facts
    assert "Owner organisation MEAE" in facts
    assert "Notes Hearings twice a year." in facts
    links = {text_of(link): link["href"] for link in elements(html, "article dl a")}
    assert links == {
        "National Assembly": f"/actors/{small_map.parliament.pk}/",
        "Ministry of Defence": f"/actors/{small_map.defence.pk}/",
    }


def test_the_page_lists_the_cited_sources(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    sources = text_of(element(_page(member_client, small_map.oversees), "#relationship-sources"))
    assert "Constitution of 30 March 2016, Constituent assembly (2016-03-30) — Art. 60" in sources


def test_the_page_shows_the_history_with_the_actors_named(member_client: Client, small_map: SmallMap) -> None:
    services.relationship_update(
        user=None,
        relationship=small_map.commands,
        data=RelationshipData(
            source=small_map.presidency, target=small_map.army, type="commands", legal_basis="Decree 2017-01"
        ),
    )
    history = text_of(element(_page(member_client, small_map.commands), "#history-section"))
    assert "Legal basis: — → Decree 2017-01" in history
    assert "From: Presidency" in history
    assert "To: Armed Forces" in history
    assert "#" not in history


def test_editors_get_the_edit_and_delete_buttons_and_readers_do_not(
    small_map: SmallMap, member: User, viewer: User
) -> None:
    html = _page(_client(member), small_map.commands)
    assert element(html, "#edit-relationship")["hx-get"] == f"/relationships/{small_map.commands.pk}/edit/"
    assert element(html, "#delete-relationship")
    reader = _page(_client(viewer), small_map.commands)
    assert not elements(reader, "#edit-relationship")
    assert not elements(reader, "#delete-relationship")


@pytest.mark.parametrize(("reader", "status"), [("owner", 200), ("member", 200), ("outsider", 404), ("anonymous", 404)])
def test_who_may_see_an_organisation_only_relationship(
    small_map: SmallMap, owner: User, member: User, outsider: User, reader: str, status: int
) -> None:
    small_map.commands.confidentiality = "organisation"
    small_map.commands.save()
    user = {"owner": owner, "member": member, "outsider": outsider, "anonymous": None}[reader]
    response = _client(user).get(reverse("relationship-detail", kwargs={"pk": small_map.commands.pk}))
    assert response.status_code == status


def test_the_public_reads_a_public_relationship_with_its_cited_sources_and_history(
    anonymous_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    for record in (small_map.oversees, small_map.parliament, small_map.defence):
        record.confidentiality = "public"
        record.save()
    html = _page(anonymous_client, small_map.oversees)
    assert "Constitution of 30 March 2016" in text_of(element(html, "#relationship-sources"))
    history = text_of(element(html, "#history-section"))
    assert "Source cited Source: Constitution of 30 March 2016" in history
    assert not elements(html, "#edit-relationship")


def test_a_relationship_to_an_actor_hidden_from_the_reader_is_not_found(small_map: SmallMap, outsider: User) -> None:
    small_map.army.confidentiality = "organisation"
    small_map.army.save()
    response = _client(outsider).get(reverse("relationship-detail", kwargs={"pk": small_map.commands.pk}))
    assert response.status_code == 404
    assert (
        _client(outsider).get(reverse("relationship-detail", kwargs={"pk": small_map.oversees.pk})).status_code == 200
    )


def test_an_unknown_relationship_is_not_found(member_client: Client, db: None) -> None:
    assert member_client.get(reverse("relationship-detail", kwargs={"pk": 999999})).status_code == 404


def test_deleting_from_its_page_leaves_for_the_first_actors_page(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-delete", kwargs={"pk": small_map.commands.pk}),
        {"next": "actor", "version": small_map.commands.version},
        **HTMX,
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("actor-detail", kwargs={"pk": small_map.presidency.pk})
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()


def test_actor_pages_link_to_each_relationships_page(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.defence.pk})).content.decode()
    (link,) = elements(html, "#incoming a.edge-type")
    assert (text_of(link), link["href"]) == ("oversees (parliamentary)", f"/relationships/{small_map.oversees.pk}/")


def test_the_page_in_french(member_client: Client, french_names: SmallMap) -> None:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = _page(member_client, french_names.oversees)
    assert (
        text_of(element(html, "h1")) == "Assemblée nationale contrôle (parlementaire) Ministère de la Défense nationale"
    )
    page = text(html)
    assert "Base juridique" in page
    assert "Historique" in page
