"""The map on a chosen day: the relationships that held then, dated as the governance engine dates them, and the
day shared between the country's map, its command tree and its governance analysis."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor, Relationship
from egide.actors.selectors import country_map
from egide.core.as_of import SESSION_KEY
from egide.core.fuzzy_dates import FuzzyDate
from egide.governance.graph import Edge
from tests.actors.html import element
from tests.conftest import ActorFactory, SmallMap

pytestmark = pytest.mark.django_db


def relate(source: Actor, target: Actor, *, start: str = "", end: str = "", ongoing: bool = True) -> Relationship:
    return services.relationship_create(
        user=None,
        data=RelationshipData(
            source=source,
            target=target,
            type="coordinates_with",
            start=FuzzyDate.parse(start) if start else None,
            end=FuzzyDate.parse(end) if end else None,
            ongoing=ongoing and not end,
            owner=source.owner,
        ),
    )


@pytest.fixture
def dated(make_actor: ActorFactory) -> dict[str, Relationship]:
    a = make_actor(kind="police", name="A")
    b = make_actor(kind="gendarmerie", name="B")
    return {
        "ended_2012": relate(a, b, start="2005", end="2012"),  # a year: until 31 December 2012
        "from_june_2015": relate(a, b, start="2015-06"),  # a month: from 1 June 2015
        "to_day": relate(a, b, start="2010-03-15", end="2016-03-15"),
        "ended_unknown": relate(a, b, start="2001", ongoing=False),  # ended, nobody knows when
        "undated": relate(a, b),
    }


DAYS = [
    datetime.date(2000, 1, 1),
    datetime.date(2012, 6, 1),
    datetime.date(2012, 12, 31),
    datetime.date(2013, 1, 1),
    datetime.date(2015, 5, 31),
    datetime.date(2015, 6, 1),
    datetime.date(2016, 3, 15),
    datetime.date(2016, 3, 16),
]


def edge_ids(day: datetime.date | None, user: object = None) -> set[int]:
    return {edge["id"] for edge in country_map(user=user, country="CF", as_of=day)["edges"]}  # type: ignore[arg-type]


def test_the_dated_map_keeps_what_held_that_day(dated: dict[str, Relationship]) -> None:
    ids = {name: item.pk for name, item in dated.items()}
    assert edge_ids(datetime.date(2012, 6, 1)) == {ids["ended_2012"], ids["to_day"], ids["undated"]}
    assert edge_ids(datetime.date(2013, 1, 1)) == {ids["to_day"], ids["undated"]}
    assert edge_ids(datetime.date(2015, 5, 31)) == {ids["to_day"], ids["undated"]}
    assert edge_ids(datetime.date(2015, 6, 1)) == {ids["from_june_2015"], ids["to_day"], ids["undated"]}
    assert edge_ids(datetime.date(2016, 3, 16)) == {ids["from_june_2015"], ids["undated"]}
    # Without a day, every relationship, the one that ended on an unknown date included; every actor either way.
    assert edge_ids(None) == set(ids.values())
    assert len(country_map(user=None, country="CF", as_of=datetime.date(2000, 1, 1))["nodes"]) == 2


@pytest.mark.parametrize("day", DAYS)
def test_the_map_and_the_governance_engine_agree_on_every_day(
    dated: dict[str, Relationship], day: datetime.date
) -> None:
    engine = {
        item.pk
        for item in dated.values()
        if Edge(
            id=item.pk,
            source=item.source_id,
            target=item.target_id,
            type=item.type,
            start=FuzzyDate.from_parts(item.start_date, item.start_precision),
            end=FuzzyDate.from_parts(item.end_date, item.end_precision),
            ongoing=item.ongoing,
        ).valid_on(day)
    }
    assert edge_ids(day) == engine


def test_the_map_endpoint_reads_the_day(dated: dict[str, Relationship], member_client: Client) -> None:
    url = reverse("api-1:country_map", kwargs={"code": "CF"})
    answer = member_client.get(url, {"as_of": "2013-01-01"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["as_of"] == "2013-01-01"
    assert {edge["id"] for edge in body["edges"]} == {dated["to_day"].pk, dated["undated"].pk}
    assert len(member_client.get(url).json()["edges"]) == 5


def test_a_day_that_cannot_be_read_is_refused_naming_the_parameter(member_client: Client) -> None:
    answer = member_client.get(reverse("api-1:country_map", kwargs={"code": "CF"}), {"as_of": "2013-02-30"})
    assert answer.status_code == 422
    assert "as_of" in str(answer.json())
    assert "YYYY-MM-DD" in str(answer.json())


def test_the_map_shows_only_what_the_reader_may_see_on_that_day(
    dated: dict[str, Relationship], member: User, outsider: User
) -> None:
    hidden = dated["to_day"]
    hidden.confidentiality = "organisation"
    hidden.save()
    day = datetime.date(2013, 1, 1)
    assert edge_ids(day, member) == {hidden.pk, dated["undated"].pk}
    assert edge_ids(day, outsider) == {dated["undated"].pk}


def test_the_country_page_remembers_the_day_for_the_governance_page(small_map: SmallMap, member_client: Client) -> None:
    page = member_client.get(reverse("country-detail", kwargs={"code": "CF"}), {"as_of": "2014-05-01"})
    assert page.status_code == 200
    root = element(page.content.decode(), "#map")
    assert root["data-as-of"] == "2014-05-01"
    assert root["data-map-url"].endswith("/map?as_of=2014-05-01")
    assert element(page.content.decode(), "#map-as-of")["value"] == "2014-05-01"
    assert element(page.content.decode(), "#map-governance")["href"].endswith("/governance/?as_of=2014-05-01")
    assert member_client.session[SESSION_KEY] == "2014-05-01"
    # The governance page, opened without a day, reads the findings and draws its map on the remembered day.
    governance = member_client.get(reverse("country-governance", kwargs={"code": "CF"})).content.decode()
    assert element(governance, "#id_as_of")["value"] == "2014-05-01"
    assert element(governance, "#map")["data-map-url"].endswith("/map?as_of=2014-05-01")
    assert element(governance, "#map")["data-as-of-field"] == "#id_as_of"
    # A day chosen on the governance page comes back to the map; an empty one is forgotten.
    member_client.get(reverse("country-governance", kwargs={"code": "CF"}), {"as_of": "2011-01-01"})
    again = member_client.get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert element(again, "#map")["data-as-of"] == "2011-01-01"
    member_client.get(reverse("country-detail", kwargs={"code": "CF"}), {"as_of": ""})
    assert SESSION_KEY not in member_client.session
    cleared = member_client.get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert element(cleared, "#map")["data-as-of"] == ""
    assert "as_of" not in element(cleared, "#map")["data-map-url"]


def test_a_bad_day_in_the_address_is_said_and_ignored(small_map: SmallMap, member_client: Client) -> None:
    page = member_client.get(reverse("country-detail", kwargs={"code": "CF"}), {"as_of": "yesterday"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "“yesterday” is not a date: write YYYY-MM-DD." in element(html, "#messages").get_text()
    assert element(html, "#map")["data-as-of"] == ""
