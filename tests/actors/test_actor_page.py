"""An actor's page: its facts, units, relationships and sources."""

from django.test import Client
from django.urls import reverse

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Source
from tests.actors.html import elements, table_rows, text, text_of
from tests.conftest import SmallMap


def test_actor_page_shows_the_actors_facts(member_client: Client, small_map: SmallMap) -> None:
    page = text(member_client.get(reverse("actor-detail", kwargs={"pk": small_map.army.pk})).content.decode())
    assert "Armed Forces (FACA)" in page
    assert "Security providers Armed forces" in page
    assert "Reference FACA" in page
    assert "Parent actor Ministry of Defence" in page


def test_actor_page_lists_the_units_under_it(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.defence.pk})).content.decode()
    assert "Units and bodies under it FACA" in text(html)
    assert f'<a href="/actors/{small_map.army.pk}/">FACA</a>' in html


def test_actor_page_shows_relationships_out_and_in(member_client: Client, small_map: SmallMap) -> None:
    services.relationship_create(
        user=None,
        data=RelationshipData(
            source=small_map.defence, target=small_map.army, type="administers", legal_basis="Law 17.011"
        ),
    )
    html = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.defence.pk})).content.decode()
    outgoing = [row[:4] for row in table_rows(html, "outgoing")]
    incoming = [row[:4] for row in table_rows(html, "incoming")]
    assert outgoing == [["administers", "Armed Forces", "… – ongoing", "Law 17.011"]]
    assert incoming == [["oversees (parliamentary)", "National Assembly", "… – ongoing", "—"]]
    assert "Relationships out (1)" in text(html)
    assert "Relationships in (1)" in text(html)


def test_actor_page_without_relationships_says_so(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.newspaper.pk})).content.decode()
    assert "Relationships out (0)" in text(html)
    assert text(html).count("None recorded.") == 2


def test_actor_page_shows_the_cited_sources(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    html = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.defence.pk})).content.decode()
    (facts_sources,) = [
        article
        for article in elements(html, "article")
        if (title := article.select_one("header > h2")) and text_of(title) == "Sources"
    ]
    assert "Constitution of 30 March 2016, Constituent assembly (2016-03-30) — Art. 28" in text_of(facts_sources)
    incoming = table_rows(html, "incoming")
    assert "Constitution of 30 March 2016, Constituent assembly (2016-03-30) — Art. 60" in incoming[0][6]


def test_actor_page_marks_an_actor_without_sources(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.police.pk})).content.decode()
    assert "No source cited." in html


def test_actor_page_of_an_unknown_actor_is_not_found(member_client: Client, db: None) -> None:
    assert member_client.get(reverse("actor-detail", kwargs={"pk": 999999})).status_code == 404
    assert member_client.get(reverse("actor-edit", kwargs={"pk": 999999})).status_code == 404
    assert member_client.post(reverse("actor-delete", kwargs={"pk": 999999})).status_code == 404


def test_unknown_relationships_and_citations_are_not_found(member_client: Client, db: None) -> None:
    assert member_client.get(reverse("relationship-edit", kwargs={"pk": 999999})).status_code == 404
    assert member_client.post(reverse("relationship-edit", kwargs={"pk": 999999}), {}).status_code == 404
    assert member_client.post(reverse("relationship-delete", kwargs={"pk": 999999})).status_code == 404
    assert member_client.post(reverse("citation-delete", kwargs={"pk": 999999})).status_code == 404
    assert member_client.get(reverse("source-document", kwargs={"pk": 999999})).status_code == 404
