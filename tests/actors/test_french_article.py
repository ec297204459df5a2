"""An actor's French article (`article_fr`), which the governance findings use to write grammatical French: through
the services, the API, the form, imports and exports, and refused when it is not one of the articles."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from egide.actors import exporter, services
from egide.actors.data import ActorData
from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor
from egide.actors.tabular import write_zip
from tests.conftest import SmallMap

ACTORS = """reference,kind,name_en,name_fr,article_fr
POL,police,National Police,Police nationale,la
AN,parliament,National Assembly,Assemblée nationale,L
RADIO,media,Radio Ndeke Luka,Radio Ndeke Luka,
"""


def test_the_service_keeps_the_article_and_refuses_others(small_map: SmallMap) -> None:
    actor = services.actor_create(
        user=None, country="CF", data=ActorData(kind="police", name_en="Police", name_fr="Police", article_fr="la")
    )
    assert Actor.objects.get(pk=actor.pk).article_fr == "la"
    assert small_map.army.article_fr == "unknown"  # none given
    with pytest.raises(ValidationError) as error:
        services.actor_create(user=None, country="CF", data=ActorData(kind="police", name_en="Guard", article_fr="der"))
    assert "article_fr" in error.value.message_dict


def test_imports_read_the_article_and_report_a_wrong_one(db: None) -> None:
    tables = read_map_file(write_zip({"actors.csv": ACTORS.encode()}), filename="map.zip")
    country_map_import(user=None, country="CF", tables=tables)
    articles = dict(Actor.objects.filter(country="CF").values_list("reference", "article_fr"))
    assert articles == {"POL": "la", "AN": "l", "RADIO": "unknown"}
    wrong = ACTORS.replace("Assemblée nationale,L", "Assemblée nationale,une")
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(
            user=None, country="CD", tables=read_map_file(write_zip({"actors.csv": wrong.encode()}), filename="m.zip")
        )
    assert {(problem.row, problem.column) for problem in rejected.value.problems} == {(3, "article_fr")}
    document = exporter.map_document(user=None, country="CF")
    assert {actor["reference"]: actor["article_fr"] for actor in document["actors"]}["POL"] == "la"


def test_the_api_reads_and_writes_the_article(member_client: Client, small_map: SmallMap) -> None:
    url = f"/api/v1/actors/{small_map.police.pk}"
    assert member_client.get(url).json()["article_fr"] == "unknown"
    response = member_client.patch(url, json.dumps({"article_fr": "la"}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["article_fr"] == "la"
    refused = member_client.patch(url, json.dumps({"article_fr": "der"}), content_type="application/json")
    assert refused.status_code == 422
    assert "article_fr" in refused.json()["detail"]
    assert Actor.objects.get(pk=small_map.police.pk).article_fr == "la"


def test_the_actor_page_shows_the_article_once_given(member_client: Client, small_map: SmallMap) -> None:
    from tests.actors.html import elements, text, text_of

    def facts() -> dict[str, str]:
        html = member_client.get(f"/actors/{small_map.police.pk}/").content.decode()
        return {text_of(term): text_of(term.find_next_sibling("dd")) for term in elements(html, "dl dt")}

    assert "Article in French" not in facts()  # not given yet
    # The history names the value by its label, not its code.
    history = text(member_client.get(f"/actors/{small_map.police.pk}/").content.decode())
    assert "Article in French: Not given: sentences quote the name after “l’acteur”" in history
    Actor.objects.filter(pk=small_map.police.pk).update(article_fr="la")
    assert facts()["Article in French"] == "la (feminine: la Police)"
