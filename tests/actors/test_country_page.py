"""A country's page: its counts, its actors and relationships tables, sorting, filtering and paging."""

import itertools
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality
from egide.actors import selectors, services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor, Source
from tests.actors.html import column, element, elements, script_sources, table_rows, text, text_of
from tests.actors.pages import HTMX, actor_names, relationship_rows
from tests.conftest import ActorFactory, SmallMap


def test_country_page_counts_actors_and_relationships(member_client: Client, small_map: SmallMap) -> None:
    page = text(member_client.get("/countries/CF/").content.decode())
    assert "Central African Republic" in page
    assert "7 actors, 3 relationships" in page


def test_country_page_accepts_a_lower_case_code(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/cf/actors/")
    assert response.status_code == 200
    assert len(actor_names(response)) == 7


def test_country_page_lists_the_actors_by_name(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/")
    assert actor_names(response) == [
        "Armed Forces",
        "Le Citoyen",
        "Ministry of Defence",
        "Ministry of the Interior",
        "National Assembly",
        "National Police",
        "Presidency",
    ]


def test_country_page_shows_each_actors_reference_family_kind_and_parent(
    member_client: Client, small_map: SmallMap
) -> None:
    rows = table_rows(member_client.get("/countries/CF/actors/").content.decode(), "actors-table")
    army = next(row for row in rows if row[0].startswith("Armed Forces"))
    assert army == [
        "Armed Forces FACA",
        "FACA",
        "Security providers",
        "Armed forces",
        "Ministry of Defence",
        "Medium",
        "partners",
    ]


def test_country_page_lists_the_relationships(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/relationships/")
    assert relationship_rows(response) == [
        ("Ministry of the Interior", "administers", "National Police"),
        ("National Assembly", "oversees (parliamentary)", "Ministry of Defence"),
        ("PR", "commands", "FACA"),
    ]


def test_country_page_shows_the_period_of_a_relationship(member_client: Client, small_map: SmallMap) -> None:
    services.relationship_create(
        user=None,
        data=RelationshipData(
            source=small_map.defence,
            target=small_map.army,
            type="administers",
            start=services.fuzzy_or_none("2016-03", field="start"),
            end=services.fuzzy_or_none("2019", field="end"),
            ongoing=False,
        ),
    )
    rows = table_rows(member_client.get("/countries/CF/relationships/").content.decode(), "relationships-table")
    administers_army = next(row for row in rows if row[2] == "FACA" and row[1] == "administers")
    assert administers_army[3] == "2016-03 – 2019"


def test_country_page_lists_the_countrys_sources(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    html = member_client.get("/countries/CF/sources/").content.decode()
    assert "Constitution of 30 March 2016, Constituent assembly (2016-03-30)" in text_of(
        element(html, "section#sources")
    )


def test_country_page_without_actors_says_so(member_client: Client) -> None:
    response = member_client.get("/countries/FR/actors/")
    page = text(response.content.decode())
    assert response.status_code == 200
    assert "France" in page
    assert "0 actors, 0 relationships" in page
    assert "No actor matches." in page
    assert "No relationship matches." in text(member_client.get("/countries/FR/relationships/").content.decode())


def test_country_page_of_an_unknown_country_is_not_found(member_client: Client) -> None:
    assert member_client.get("/countries/ZZ/").status_code == 404
    assert member_client.get("/countries/ZZ/actors/table/").status_code == 404
    assert member_client.get("/countries/ZZ/relationships/table/").status_code == 404
    assert member_client.get("/countries/ZZ/actors/new/").status_code == 404
    assert member_client.get("/countries/ZZ/relationships/new/").status_code == 404
    assert member_client.get("/countries/ZZ/actors/").status_code == 404
    assert member_client.get("/countries/ZZ/relationships/").status_code == 404
    assert member_client.get("/countries/ZZ/sources/").status_code == 404
    assert member_client.get("/countries/ZZ/import/").status_code == 404
    assert member_client.get("/countries/ZZ/export.json").status_code == 404


def test_country_page_links_to_the_import_and_every_export(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/").content.decode()
    assert 'href="/countries/CF/import/"' in html
    for fmt in ("xlsx", "csv", "json", "graphml"):
        assert f'href="/countries/CF/export.{fmt}"' in html


TABS = [
    ("/countries/CF/", "Map"),
    ("/countries/CF/actors/", "Actors"),
    ("/countries/CF/relationships/", "Relationships"),
    ("/countries/CF/sources/", "Sources"),
]


@pytest.mark.parametrize(("address", "label"), TABS)
def test_each_tab_has_its_address_and_is_marked_open(
    member_client: Client, small_map: SmallMap, address: str, label: str
) -> None:
    html = member_client.get(address).content.decode()
    links = elements(html, "nav.country-tabs a")
    assert [(text_of(link), link["href"]) for link in links] == [
        ("Map", "/countries/CF/"),
        ("Actors", "/countries/CF/actors/"),
        ("Relationships", "/countries/CF/relationships/"),
        ("Sources", "/countries/CF/sources/"),
        ("Programmes", "/countries/CF/programmes/"),
        ("Timeline", "/countries/CF/timeline/"),
        ("Governance", "/countries/CF/governance/"),
        ("Coordination", "/countries/CF/coordination/"),
        ("Context", "/countries/CF/context/"),
        ("Briefs", "/countries/CF/briefs/"),
        ("Latest developments", "/countries/CF/latest/"),
    ]
    (current,) = elements(html, 'nav.country-tabs a[aria-current="page"]')
    assert (text_of(current), current["href"]) == (label, address)
    # Every tab keeps the heading with the counts and the country's actions.
    assert "7 actors, 3 relationships" in text(html)
    assert element(html, "#new-actor")


def test_each_tab_shows_only_its_own_part(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    parts = ["section#map", "#actors-table", "#relationships-table", "section#sources"]
    for (address, _label), part in zip(TABS, parts, strict=True):
        html = member_client.get(address).content.decode()
        assert [selector for selector in parts if elements(html, selector)] == [part], address


def test_the_map_tab_loads_the_map_script_and_the_others_do_not(member_client: Client, small_map: SmallMap) -> None:
    assert "/static/build/map.js" in " ".join(script_sources(member_client.get("/countries/CF/").content.decode()))
    for address, _label in TABS[1:]:
        assert not any("map.js" in src for src in script_sources(member_client.get(address).content.decode()))


def test_relationship_rows_link_to_the_relationships_own_page(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/relationships/", {"rtype": "commands"}).content.decode()
    (link,) = elements(html, "#relationships-table tbody a.edge-type")
    assert (text_of(link), link["href"]) == ("commands", f"/relationships/{small_map.commands.pk}/")


def test_country_page_holds_the_map_section(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/").content.decode()
    section = element(html, "section#map")
    assert section["data-map-url"] == "/api/v1/countries/CF/map"
    assert section.select("#map-canvas")


def test_actors_sort_by_name_descending(member_client: Client, small_map: SmallMap) -> None:
    names = actor_names(member_client.get("/countries/CF/actors/", {"sort": "-name"}))
    assert names == sorted(names, reverse=True)
    assert names[0] == "Presidency"


def test_actors_sort_by_reference(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/", {"sort": "reference"})
    assert column(response.content.decode(), "actors-table", 1) == ["AN", "CIT", "FACA", "MOD", "MOI", "POL", "PR"]


def test_actors_sort_by_family_then_name(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/", {"sort": "family"})
    # Families sort by their codes: management, public_information, security_providers, supervisory.
    assert actor_names(response) == [
        "Ministry of Defence",
        "Ministry of the Interior",
        "Presidency",
        "Le Citoyen",
        "Armed Forces",
        "National Police",
        "National Assembly",
    ]


def test_an_unknown_sort_falls_back_to_the_name(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/", {"sort": "drop table"})
    assert response.status_code == 200
    assert actor_names(response)[0] == "Armed Forces"


def test_the_sorted_column_links_to_the_reverse_order(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/actors/", {"sort": "reference"}).content.decode()
    (ascending,) = elements(html, '#actors-table th[aria-sort="ascending"] > a')
    assert (text_of(ascending), ascending["href"]) == ("Reference", "/countries/CF/actors/?sort=-reference")
    html = member_client.get("/countries/CF/actors/", {"sort": "-reference"}).content.decode()
    (descending,) = elements(html, '#actors-table th[aria-sort="descending"] > a')
    assert (text_of(descending), descending["href"]) == ("Reference", "/countries/CF/actors/?sort=reference")


def test_sort_links_keep_the_filters_and_leave_the_page(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/actors/", {"family": "management", "page": "1"}).content.decode()
    (link,) = [a for a in elements(html, "#actors-table th > a") if text_of(a) == "Reference"]
    address = urlsplit(str(link["href"]))
    assert address.path == "/countries/CF/actors/"
    assert dict(parse_qsl(address.query)) == {"family": "management", "sort": "reference"}


def test_actors_filter_by_family(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/", {"family": "management"})
    assert actor_names(response) == ["Ministry of Defence", "Ministry of the Interior", "Presidency"]
    assert '<option value="management" selected>' in response.content.decode()


def test_actors_filter_by_kind(member_client: Client, small_map: SmallMap) -> None:
    assert actor_names(member_client.get("/countries/CF/actors/", {"kind": "media"})) == ["Le Citoyen"]


def test_actors_search_by_name_acronym_or_reference(member_client: Client, small_map: SmallMap) -> None:
    assert actor_names(member_client.get("/countries/CF/actors/", {"q": "ministry"})) == [
        "Ministry of Defence",
        "Ministry of the Interior",
    ]
    assert actor_names(member_client.get("/countries/CF/actors/", {"q": "faca"})) == ["Armed Forces"]
    assert actor_names(member_client.get("/countries/CF/actors/", {"q": " MOI "})) == ["Ministry of the Interior"]


def test_actors_search_finds_french_names(member_client: Client, french_names: SmallMap) -> None:
    assert actor_names(member_client.get("/countries/CF/actors/", {"q": "centrafricaines"})) == ["Armed Forces"]


def test_actors_search_without_match_says_so(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/", {"q": "no such actor"})
    assert actor_names(response) == []
    assert "No actor matches." in response.content.decode()


def test_actors_filters_combine_with_sorting(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/", {"family": "management", "sort": "-name"})
    assert actor_names(response) == ["Presidency", "Ministry of the Interior", "Ministry of Defence"]


def test_actors_table_partial_is_only_the_table(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/table/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<div id="actors-table"')
    assert len(actor_names(response)) == 7


def test_actors_table_partial_sorts_and_filters(member_client: Client, small_map: SmallMap) -> None:
    sorted_names = actor_names(member_client.get("/countries/CF/actors/table/", {"sort": "-name"}, **HTMX))
    assert sorted_names[0] == "Presidency"
    assert sorted_names[-1] == "Armed Forces"
    filtered = member_client.get("/countries/CF/actors/table/", {"family": "security_providers", "q": "police"}, **HTMX)
    assert actor_names(filtered) == ["National Police"]


def test_actors_table_partial_refreshes_with_its_own_query(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/actors/table/", {"family": "media"}, **HTMX).content.decode()
    assert 'hx-get="/countries/CF/actors/table/?family=media" hx-trigger="egide:changed from:body"' in html


def test_typing_in_a_filter_writes_the_filters_into_the_tabs_address(
    member_client: Client, small_map: SmallMap
) -> None:
    # The filter form names itself in HX-Trigger: its table answers with the tab's address holding the filters.
    form = element(member_client.get("/countries/CF/actors/").content.decode(), "form.table-filters")
    assert form["id"] == "actors-table-filters"
    typed = member_client.get(
        "/countries/CF/actors/table/",
        {"family": "security_providers", "q": "police"},
        HTTP_HX_TRIGGER="actors-table-filters",
        **HTMX,
    )
    assert typed["HX-Replace-Url"] == "/countries/CF/actors/?family=security_providers&q=police"
    assert actor_names(member_client.get(typed["HX-Replace-Url"])) == ["National Police"]
    relationships = member_client.get(
        "/countries/CF/relationships/table/",
        {"rtype": "commands"},
        HTTP_HX_TRIGGER="relationships-table-filters",
        **HTMX,
    )
    assert relationships["HX-Replace-Url"] == "/countries/CF/relationships/?rtype=commands"
    # A refresh after a change, or a sort, leaves the address to the link that asked.
    refreshed = member_client.get("/countries/CF/actors/table/", {"family": "media"}, **HTMX)
    assert "HX-Replace-Url" not in refreshed


def test_relationships_sort_by_type(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/relationships/", {"rsort": "type"})
    assert [row[1] for row in relationship_rows(response)] == ["administers", "commands", "oversees (parliamentary)"]
    reverse_order = member_client.get("/countries/CF/relationships/", {"rsort": "-type"})
    assert [row[1] for row in relationship_rows(reverse_order)] == [
        "oversees (parliamentary)",
        "commands",
        "administers",
    ]


def test_relationships_sort_by_target(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/relationships/", {"rsort": "target"})
    assert [row[2] for row in relationship_rows(response)] == ["FACA", "Ministry of Defence", "National Police"]


def test_relationships_filter_by_type(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/relationships/", {"rtype": "oversees"})
    assert relationship_rows(response) == [("National Assembly", "oversees (parliamentary)", "Ministry of Defence")]
    assert '<option value="oversees" selected>' in response.content.decode()


def test_relationships_search_by_actor(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/relationships/", {"rq": "police"})
    assert relationship_rows(response) == [("Ministry of the Interior", "administers", "National Police")]


def test_an_address_from_before_the_tabs_opens_the_tab_of_its_table(member_client: Client, small_map: SmallMap) -> None:
    relationships = member_client.get("/countries/CF/", {"rtype": "commands"})
    assert relationships["Location"] == "/countries/CF/relationships/?rtype=commands"
    assert len(relationship_rows(member_client.get(relationships["Location"]))) == 1
    actors = member_client.get("/countries/CF/", {"family": "management", "sort": "-name"})
    assert actors["Location"] == "/countries/CF/actors/?family=management&sort=-name"


def test_relationships_table_partial_sorts_and_filters(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/relationships/table/", {"rsort": "-type"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div id="relationships-table"')
    assert relationship_rows(response)[0][1] == "oversees (parliamentary)"
    filtered = member_client.get("/countries/CF/relationships/table/", {"rtype": "commands"}, **HTMX)
    assert relationship_rows(filtered) == [("PR", "commands", "FACA")]


@pytest.fixture
def crowded_country(make_actor: ActorFactory) -> list[Actor]:
    """55 police units and 54 relationships between them: more than one page of each table."""
    actors = [
        make_actor(kind="police", name=f"Police unit {number:02d}", reference=f"PU{number:02d}")
        for number in range(1, 56)
    ]
    for source, target in itertools.pairwise(actors):
        services.relationship_create(
            user=None, data=RelationshipData(source=source, target=target, type="coordinates_with")
        )
    return actors


def test_actors_table_shows_fifty_actors_a_page(member_client: Client, crowded_country: list[Actor]) -> None:
    response = member_client.get("/countries/CF/actors/")
    names = actor_names(response)
    assert len(names) == 50
    assert names[0] == "Police unit 01"
    assert names[-1] == "Police unit 50"
    assert "Page 1 of 2" in response.content.decode()


def test_actors_second_page_holds_the_rest(member_client: Client, crowded_country: list[Actor]) -> None:
    response = member_client.get("/countries/CF/actors/", {"page": "2"})
    assert actor_names(response) == [f"Police unit {number}" for number in range(51, 56)]
    assert "Page 2 of 2" in response.content.decode()


def test_actors_pager_links_keep_the_sort(member_client: Client, crowded_country: list[Actor]) -> None:
    html = member_client.get("/countries/CF/actors/", {"sort": "-name"}).content.decode()
    assert 'hx-get="/countries/CF/actors/table/?sort=-name&amp;page=2"' in html
    page_two = member_client.get("/countries/CF/actors/table/", {"sort": "-name", "page": "2"}, **HTMX)
    assert actor_names(page_two) == [f"Police unit {number:02d}" for number in range(5, 0, -1)]


def test_a_page_number_out_of_range_shows_the_last_page(member_client: Client, crowded_country: list[Actor]) -> None:
    response = member_client.get("/countries/CF/actors/table/", {"page": "99"}, **HTMX)
    assert len(actor_names(response)) == 5
    not_a_number = member_client.get("/countries/CF/actors/table/", {"page": "x"}, **HTMX)
    assert len(actor_names(not_a_number)) == 50


def test_relationships_table_pages_on_its_own_parameter(member_client: Client, crowded_country: list[Actor]) -> None:
    first = member_client.get("/countries/CF/relationships/")
    assert len(relationship_rows(first)) == 50
    second = member_client.get("/countries/CF/relationships/table/", {"rpage": "2"}, **HTMX)
    assert len(relationship_rows(second)) == 4
    assert "Page 2 of 2" in second.content.decode()
    assert len(actor_names(member_client.get("/countries/CF/actors/", {"rpage": "2"}))) == 50


def test_the_country_counts_refresh_after_a_change(member_client: Client, small_map: SmallMap) -> None:
    page = member_client.get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert "7 actors, " in " ".join(page.split())
    services.actor_delete(user=None, actor=small_map.newspaper)
    fragment = member_client.get(reverse("country-counts", kwargs={"code": "CF"}), **HTMX).content.decode()
    assert "6 actors, 3 relationships" in " ".join(fragment.split())
    assert 'hx-trigger="egide:changed from:body"' in fragment


def test_sorting_by_relationships_counts_only_those_the_reader_sees(
    small_map: SmallMap, member: User, outsider: User
) -> None:
    """A hidden relationship, or one to a hidden actor, adds nothing to an actor's number of relationships."""
    small_map.army.confidentiality = Confidentiality.ORGANISATION
    small_map.army.save(update_fields=["confidentiality"])
    small_map.oversees.confidentiality = Confidentiality.RESTRICTED
    small_map.oversees.save(update_fields=["confidentiality"])
    services.relationship_create(
        user=None, data=RelationshipData(source=small_map.police, target=small_map.interior, type="reports_to")
    )

    def counted(user: User) -> list[tuple[str, int]]:
        actors = selectors.country_actors(user=user, country="CF", sort="-relationships")
        return [(actor.name_en, actor.relationship_count) for actor in actors]

    assert counted(outsider) == [
        ("Ministry of the Interior", 2),
        ("National Police", 2),
        ("Le Citoyen", 0),
        ("Ministry of Defence", 0),
        ("National Assembly", 0),
        ("Presidency", 0),
    ]
    assert counted(member) == [
        ("Ministry of the Interior", 2),
        ("National Police", 2),
        ("Armed Forces", 1),
        ("Ministry of Defence", 1),
        ("National Assembly", 1),
        ("Presidency", 1),
        ("Le Citoyen", 0),
    ]
