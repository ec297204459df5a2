"""The list of mapped countries (the home page of visitors; signed-in readers start from the dashboard,
tests/coordination/test_dashboard.py) and the choice of a country."""

from django.test import Client
from django.urls import reverse

from egide.actors import services
from egide.actors.data import RelationshipData
from tests.actors.html import elements, table_rows, text_of
from tests.conftest import ActorFactory, SmallMap


def test_home_lists_each_mapped_country_with_its_counts(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    court = make_actor(country="CD", kind="court", name="Constitutional Court")
    prosecution = make_actor(country="CD", kind="prosecution", name="Prosecutor General")
    services.relationship_create(user=None, data=RelationshipData(source=court, target=prosecution, type="adjudicates"))
    response = member_client.get(reverse("country-list"))
    rows = table_rows(response.content.decode(), "countries")
    assert [row[:3] for row in rows] == [
        ["Central African Republic CF", "7", "3"],
        ["Democratic Republic of the Congo CD", "2", "1"],
    ]


def test_home_breaks_each_country_down_by_family(member_client: Client, small_map: SmallMap) -> None:
    rows = table_rows(member_client.get(reverse("country-list")).content.decode(), "countries")
    assert rows[0][3] == (
        "Security providers: 2 Supervisory bodies: 1 Management and oversight: 3 Public information: 1"
    )


def test_home_links_each_country_to_its_page(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("country-list")).content.decode()
    assert f'<a href="{reverse("country-detail", kwargs={"code": "CF"})}">Central African Republic</a>' in html


def test_home_without_maps_says_so(member_client: Client) -> None:
    html = member_client.get(reverse("country-list")).content.decode()
    assert 'id="countries"' not in html
    assert "No country has a map yet" in html


def test_home_offers_the_countries_without_a_map(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("country-list")).content.decode()
    offered = {str(option.get("value")): text_of(option) for option in elements(html, "select#country-choice option")}
    assert offered["CD"] == "Democratic Republic of the Congo"
    assert "CF" not in offered


def test_choosing_a_country_on_home_opens_its_page(member_client: Client) -> None:
    response = member_client.get(reverse("country-list"), {"country": "cd"})
    assert response.status_code == 302
    assert response["Location"] == reverse("country-detail", kwargs={"code": "CD"})


def test_choosing_an_unknown_country_on_home_stays_on_home(member_client: Client) -> None:
    response = member_client.get(reverse("country-list"), {"country": "ZZ"})
    assert response.status_code == 200


def test_home_is_the_list_for_visitors_and_the_dashboard_for_readers(
    member_client: Client, anonymous_client: Client, small_map: SmallMap
) -> None:
    small_map.army.confidentiality = "public"
    small_map.army.save()
    assert table_rows(anonymous_client.get(reverse("home")).content.decode(), "countries")[0][:2] == [
        "Central African Republic CF",
        "1",
    ]
    html = member_client.get(reverse("home")).content.decode()
    assert 'id="dashboard"' in html
    assert 'id="countries"' not in html
