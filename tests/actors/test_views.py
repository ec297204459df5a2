"""The map's pages and HTMX partials, as a signed-in member and as an anonymous visitor."""

import csv
import io
import itertools
import json
import re
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from django.conf import LazySettings, settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.tabular import write_csv, write_xlsx, write_zip
from tests.actors.html import column, field_errors, has_error_class, script_tags, table_rows, text
from tests.conftest import ActorFactory, SmallMap

HTMX = {"HTTP_HX_REQUEST": "true"}


def changed_message(response: HttpResponse) -> str:
    """The message an HTMX change sends with its egide:changed event."""
    assert response.status_code == 204
    return str(json.loads(response["HX-Trigger"])["egide:changed"]["message"])


def messages_shown(response: HttpResponse) -> list[str]:
    block = re.search(r'<div id="messages".*?</div>', response.content.decode(), re.S)
    assert block is not None
    return [text(message) for message in re.findall(r'<p class="message[^"]*"[^>]*>(.*?)</p>', block.group(0), re.S)]


def actor_names(response: HttpResponse) -> list[str]:
    """The names in the actors table, in their order (without acronyms and flags)."""
    html = response.content.decode()
    table = html.split('id="actors-table"', 1)[1].split("</table>", 1)[0]
    return [text(name) for name in re.findall(r'<tr>\s*<td><a href="/actors/\d+/">([^<]+)</a>', table)]


def relationship_rows(response: HttpResponse) -> list[tuple[str, str, str]]:
    return [
        (row[0], row[1], row[2]) for row in table_rows(response.content.decode(), "relationships-table") if len(row) > 2
    ]


# --- Who may see the pages -------------------------------------------------------------------------------------


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
    assert actor_names(anonymous_client.get(reverse("country-detail", kwargs={"code": "CF"}))) == ["Armed Forces"]
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


def test_login_page_shows_the_form(anonymous_client: Client) -> None:
    response = anonymous_client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_logging_in_with_the_right_password_opens_the_requested_page(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    login_page = client.get(reverse("login"), {"next": "/countries/CF/"})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.content.decode())
    assert token is not None
    response = client.post(
        reverse("login"),
        {
            "username": "member",
            "password": "a-long-test-password",
            "next": "/countries/CF/",
            "csrfmiddlewaretoken": token.group(1),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/countries/CF/"
    page = client.get("/countries/CF/")
    assert page.status_code == 200
    assert "National Police" in page.content.decode()


def test_logging_in_without_a_next_page_opens_the_countries(member: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "member", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_with_a_message(member: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "member", "password": "not-the-password"})
    assert response.status_code == 200
    assert 'class="error" role="alert"' in response.content.decode()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_logging_out_signs_the_member_out(member_client: Client) -> None:
    assert member_client.get(reverse("home")).status_code == 200
    response = member_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    after = member_client.get(reverse("actor-create", kwargs={"code": "CF"}))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    assert not member_client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_pages_offer_a_log_out_button_to_members_and_a_log_in_link_to_visitors(
    member_client: Client, anonymous_client: Client
) -> None:
    assert f'action="{reverse("logout")}"' in member_client.get(reverse("home")).content.decode()
    login_page = anonymous_client.get(reverse("login")).content.decode()
    assert f'action="{reverse("logout")}"' not in login_page


def test_the_language_switcher_sets_the_language_and_returns_to_the_page(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(reverse("set_language"), {"language": "fr", "next": "/countries/CF/"})
    assert response.status_code == 302
    assert response["Location"] == "/countries/CF/"
    assert member_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = member_client.get("/countries/CF/").content.decode()
    assert '<html lang="fr"' in page
    assert "République centrafricaine" in page


def test_the_language_switcher_back_to_english(member_client: Client, small_map: SmallMap) -> None:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    member_client.post(reverse("set_language"), {"language": "en", "next": "/countries/CF/"})
    page = member_client.get("/countries/CF/").content.decode()
    assert '<html lang="en"' in page
    assert "Central African Republic" in page


def test_the_header_offers_both_languages_and_marks_the_current_one(member_client: Client) -> None:
    html = member_client.get(reverse("home")).content.decode()
    switcher = re.search(r'<form action="/i18n/setlang/".*?</form>', html, re.S)
    assert switcher is not None
    buttons = re.findall(
        r'<button type="submit" name="language" value="(\w+)"[^>]*?(aria-current="true")?>', switcher.group(0), re.S
    )
    assert [code for code, _ in buttons] == ["en", "fr"]
    assert [code for code, current in buttons if current] == ["en"]


def test_the_language_switcher_ignores_a_foreign_next_page(member_client: Client) -> None:
    response = member_client.post(reverse("set_language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# --- The countries -----------------------------------------------------------------------------------------------


def test_home_lists_each_mapped_country_with_its_counts(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    court = make_actor(country="CD", kind="court", name="Constitutional Court")
    prosecution = make_actor(country="CD", kind="prosecution", name="Prosecutor General")
    services.relationship_create(user=None, data=RelationshipData(source=court, target=prosecution, type="adjudicates"))
    response = member_client.get(reverse("home"))
    rows = table_rows(response.content.decode(), "countries")
    assert [row[:3] for row in rows] == [
        ["Central African Republic CF", "7", "3"],
        ["Democratic Republic of the Congo CD", "2", "1"],
    ]


def test_home_breaks_each_country_down_by_family(member_client: Client, small_map: SmallMap) -> None:
    rows = table_rows(member_client.get(reverse("home")).content.decode(), "countries")
    assert rows[0][3] == (
        "Security providers: 2 Supervisory bodies: 1 Management and oversight: 3 Public information: 1"
    )


def test_home_links_each_country_to_its_page(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("country-detail", kwargs={"code": "CF"})}">Central African Republic</a>' in html


def test_home_without_maps_says_so(member_client: Client) -> None:
    html = member_client.get(reverse("home")).content.decode()
    assert 'id="countries"' not in html
    assert "No country has a map yet" in html


def test_home_offers_the_countries_without_a_map(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("home")).content.decode()
    chooser = re.search(r'<select id="country-choice".*?</select>', html, re.S)
    assert chooser is not None
    assert '<option value="CD">Democratic Republic of the Congo</option>' in chooser.group(0)
    assert 'value="CF"' not in chooser.group(0)


def test_choosing_a_country_on_home_opens_its_page(member_client: Client) -> None:
    response = member_client.get(reverse("home"), {"country": "cd"})
    assert response.status_code == 302
    assert response["Location"] == reverse("country-detail", kwargs={"code": "CD"})


def test_choosing_an_unknown_country_on_home_stays_on_home(member_client: Client) -> None:
    response = member_client.get(reverse("home"), {"country": "ZZ"})
    assert response.status_code == 200


# --- A country's page --------------------------------------------------------------------------------------------


def test_country_page_counts_actors_and_relationships(member_client: Client, small_map: SmallMap) -> None:
    page = text(member_client.get("/countries/CF/").content.decode())
    assert "Central African Republic" in page
    assert "7 actors, 3 relationships" in page


def test_country_page_accepts_a_lower_case_code(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/cf/")
    assert response.status_code == 200
    assert len(actor_names(response)) == 7


def test_country_page_lists_the_actors_by_name(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/")
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
    rows = table_rows(member_client.get("/countries/CF/").content.decode(), "actors-table")
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
    response = member_client.get("/countries/CF/")
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
    rows = table_rows(member_client.get("/countries/CF/").content.decode(), "relationships-table")
    administers_army = next(row for row in rows if row[2] == "FACA" and row[1] == "administers")
    assert administers_army[3] == "2016-03 – 2019"


def test_country_page_lists_the_countrys_sources(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    html = member_client.get("/countries/CF/").content.decode()
    sources = re.search(r'<section id="sources">.*?</section>', html, re.S)
    assert sources is not None
    assert "Constitution of 30 March 2016, Constituent assembly (2016-03-30)" in text(sources.group(0))


def test_country_page_without_actors_says_so(member_client: Client) -> None:
    response = member_client.get("/countries/FR/")
    page = text(response.content.decode())
    assert response.status_code == 200
    assert "France" in page
    assert "0 actors, 0 relationships" in page
    assert "No actor matches." in page
    assert "No relationship matches." in page


def test_country_page_of_an_unknown_country_is_not_found(member_client: Client) -> None:
    assert member_client.get("/countries/ZZ/").status_code == 404
    assert member_client.get("/countries/ZZ/actors/table/").status_code == 404
    assert member_client.get("/countries/ZZ/relationships/table/").status_code == 404
    assert member_client.get("/countries/ZZ/actors/new/").status_code == 404
    assert member_client.get("/countries/ZZ/relationships/new/").status_code == 404
    assert member_client.get("/countries/ZZ/import/").status_code == 404
    assert member_client.get("/countries/ZZ/export.json").status_code == 404


def test_country_page_links_to_the_import_and_every_export(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/").content.decode()
    assert 'href="/countries/CF/import/"' in html
    for fmt in ("xlsx", "csv", "json", "graphml"):
        assert f'href="/countries/CF/export.{fmt}"' in html


def test_country_page_holds_the_map_section(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/").content.decode()
    assert re.search(r'<section id="map"[^>]*data-map-url="/api/v1/countries/CF/map"', html)
    assert 'id="map-canvas"' in html


# --- Sorting, filtering and paging the tables --------------------------------------------------------------------


def test_actors_sort_by_name_descending(member_client: Client, small_map: SmallMap) -> None:
    names = actor_names(member_client.get("/countries/CF/", {"sort": "-name"}))
    assert names == sorted(names, reverse=True)
    assert names[0] == "Presidency"


def test_actors_sort_by_reference(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"sort": "reference"})
    assert column(response.content.decode(), "actors-table", 1) == ["AN", "CIT", "FACA", "MOD", "MOI", "POL", "PR"]


def test_actors_sort_by_family_then_name(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"sort": "family"})
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
    response = member_client.get("/countries/CF/", {"sort": "drop table"})
    assert response.status_code == 200
    assert actor_names(response)[0] == "Armed Forces"


def test_the_sorted_column_links_to_the_reverse_order(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/", {"sort": "reference"}).content.decode()
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="/countries/CF/\?sort=-reference#actors"', html)
    descending = member_client.get("/countries/CF/", {"sort": "-reference"}).content.decode()
    assert re.search(
        r'<th scope="col" aria-sort="descending"><a href="/countries/CF/\?sort=reference#actors"', descending
    )


def test_sort_links_keep_the_filters_and_leave_the_page(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/", {"family": "management", "page": "1"}).content.decode()
    link = re.search(r'href="/countries/CF/\?([^"#]*sort=reference[^"#]*)#actors"', html)
    assert link is not None
    parameters = dict(part.split("=") for part in link.group(1).replace("&amp;", "&").split("&"))
    assert parameters == {"family": "management", "sort": "reference"}


def test_actors_filter_by_family(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"family": "management"})
    assert actor_names(response) == ["Ministry of Defence", "Ministry of the Interior", "Presidency"]
    assert '<option value="management" selected>' in response.content.decode()


def test_actors_filter_by_kind(member_client: Client, small_map: SmallMap) -> None:
    assert actor_names(member_client.get("/countries/CF/", {"kind": "media"})) == ["Le Citoyen"]


def test_actors_search_by_name_acronym_or_reference(member_client: Client, small_map: SmallMap) -> None:
    assert actor_names(member_client.get("/countries/CF/", {"q": "ministry"})) == [
        "Ministry of Defence",
        "Ministry of the Interior",
    ]
    assert actor_names(member_client.get("/countries/CF/", {"q": "faca"})) == ["Armed Forces"]
    assert actor_names(member_client.get("/countries/CF/", {"q": " MOI "})) == ["Ministry of the Interior"]


def test_actors_search_finds_french_names(member_client: Client, french_names: SmallMap) -> None:
    assert actor_names(member_client.get("/countries/CF/", {"q": "centrafricaines"})) == ["Armed Forces"]


def test_actors_search_without_match_says_so(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"q": "no such actor"})
    assert actor_names(response) == []
    assert "No actor matches." in response.content.decode()


def test_actors_filters_combine_with_sorting(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"family": "management", "sort": "-name"})
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


def test_relationships_sort_by_type(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"rsort": "type"})
    assert [row[1] for row in relationship_rows(response)] == ["administers", "commands", "oversees (parliamentary)"]
    reverse_order = member_client.get("/countries/CF/", {"rsort": "-type"})
    assert [row[1] for row in relationship_rows(reverse_order)] == [
        "oversees (parliamentary)",
        "commands",
        "administers",
    ]


def test_relationships_sort_by_target(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"rsort": "target"})
    assert [row[2] for row in relationship_rows(response)] == ["FACA", "Ministry of Defence", "National Police"]


def test_relationships_filter_by_type(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"rtype": "oversees"})
    assert relationship_rows(response) == [("National Assembly", "oversees (parliamentary)", "Ministry of Defence")]
    assert '<option value="oversees" selected>' in response.content.decode()


def test_relationships_search_by_actor(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"rq": "police"})
    assert relationship_rows(response) == [("Ministry of the Interior", "administers", "National Police")]


def test_relationship_filters_leave_the_actors_table_alone(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/", {"rtype": "commands"})
    assert len(actor_names(response)) == 7
    assert len(relationship_rows(response)) == 1


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
    response = member_client.get("/countries/CF/")
    names = actor_names(response)
    assert len(names) == 50
    assert names[0] == "Police unit 01"
    assert names[-1] == "Police unit 50"
    assert "Page 1 of 2" in response.content.decode()


def test_actors_second_page_holds_the_rest(member_client: Client, crowded_country: list[Actor]) -> None:
    response = member_client.get("/countries/CF/", {"page": "2"})
    assert actor_names(response) == [f"Police unit {number}" for number in range(51, 56)]
    assert "Page 2 of 2" in response.content.decode()


def test_actors_pager_links_keep_the_sort(member_client: Client, crowded_country: list[Actor]) -> None:
    html = member_client.get("/countries/CF/", {"sort": "-name"}).content.decode()
    assert 'hx-get="/countries/CF/actors/table/?sort=-name&amp;page=2"' in html
    page_two = member_client.get("/countries/CF/actors/table/", {"sort": "-name", "page": "2"}, **HTMX)
    assert actor_names(page_two) == [f"Police unit {number:02d}" for number in range(5, 0, -1)]


def test_a_page_number_out_of_range_shows_the_last_page(member_client: Client, crowded_country: list[Actor]) -> None:
    response = member_client.get("/countries/CF/actors/table/", {"page": "99"}, **HTMX)
    assert len(actor_names(response)) == 5
    not_a_number = member_client.get("/countries/CF/actors/table/", {"page": "x"}, **HTMX)
    assert len(actor_names(not_a_number)) == 50


def test_relationships_table_pages_on_its_own_parameter(member_client: Client, crowded_country: list[Actor]) -> None:
    first = member_client.get("/countries/CF/")
    assert len(relationship_rows(first)) == 50
    second = member_client.get("/countries/CF/relationships/table/", {"rpage": "2"}, **HTMX)
    assert len(relationship_rows(second)) == 4
    assert "Page 2 of 2" in second.content.decode()
    assert len(actor_names(member_client.get("/countries/CF/", {"rpage": "2"}))) == 50


# --- An actor's page ---------------------------------------------------------------------------------------------


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
    facts_sources = re.search(r"<h2>Sources</h2></header>(.*?)</article>", html, re.S)
    assert facts_sources is not None
    assert "Constitution of 30 March 2016, Constituent assembly (2016-03-30) — Art. 28" in text(facts_sources.group(1))
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


# --- Creating, editing and deleting actors -------------------------------------------------------------------------


def test_new_actor_form_is_a_whole_page_on_a_plain_visit(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-create", kwargs={"code": "CF"})).content.decode()
    assert "<html" in html
    assert 'action="/countries/CF/actors/new/"' in html
    assert 'name="name_en"' in html


def test_new_actor_form_is_a_fragment_for_htmx(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-create", kwargs={"code": "CF"}), **HTMX).content.decode()
    assert "<html" not in html
    assert '<h2 id="dialog-title">New actor</h2>' in html
    assert 'hx-post="/countries/CF/actors/new/"' in html


def test_new_actor_form_offers_only_this_countrys_actors_as_parents(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    other = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    html = member_client.get(reverse("actor-create", kwargs={"code": "CF"}), **HTMX).content.decode()
    parent_select = re.search(r'<select name="parent".*?</select>', html, re.S)
    assert parent_select is not None
    assert f'value="{small_map.defence.pk}"' in parent_select.group(0)
    assert f'value="{other.pk}"' not in parent_select.group(0)


def test_creating_an_actor_with_htmx_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {
            "name_en": "Gendarmerie",
            "name_fr": "Gendarmerie nationale",
            "acronym_en": "GN",
            "kind": "gendarmerie",
            "parent": small_map.defence.pk,
            "statutory": "on",
            "confidence": "high",
        },
        **HTMX,
    )
    assert changed_message(response) == "Actor “Gendarmerie” created."
    actor = Actor.objects.get(country="CF", name_en="Gendarmerie")
    assert (actor.reference, actor.family, actor.parent, actor.confidence, actor.statutory) == (
        "GN",
        "security_providers",
        small_map.defence,
        "high",
        True,
    )
    assert actor.name_fr == "Gendarmerie nationale"


def test_creating_an_actor_with_a_plain_post_redirects_to_it_with_a_message(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Court of Cassation", "kind": "court", "confidence": "medium"},
    )
    actor = Actor.objects.get(name_en="Court of Cassation")
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": actor.pk})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Actor “Court of Cassation” created."]
    assert actor.reference == "COURT-OF-CASSATION"
    assert actor.name_fr == "Court of Cassation"


def test_new_actors_appear_in_the_actors_table(member_client: Client, small_map: SmallMap) -> None:
    member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Customs", "kind": "customs", "confidence": "low"},
        **HTMX,
    )
    assert "Customs" in actor_names(member_client.get("/countries/CF/actors/table/", **HTMX))


def test_an_actor_without_a_name_is_refused_next_to_the_name(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}), {"kind": "police", "confidence": "medium"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert field_errors(html, "name_en") == ["Give the actor a name in English or French."]
    assert has_error_class(html, "name_en")
    assert Actor.objects.count() == 7


def test_an_actor_without_a_kind_is_refused_next_to_the_kind(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}), {"name_en": "Something", "confidence": "medium"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert field_errors(html, "kind") == ["This field is required."]
    assert 'value="Something"' in html


def test_an_actor_with_a_used_reference_is_refused_next_to_the_reference(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Another army", "kind": "armed_forces", "reference": "FACA", "confidence": "medium"},
        **HTMX,
    )
    assert field_errors(response.content.decode(), "reference") == [
        "“FACA” is already used by another actor of this country."
    ]


def test_an_actor_with_a_bad_reference_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Army", "kind": "armed_forces", "reference": "has spaces", "confidence": "medium"},
        **HTMX,
    )
    assert field_errors(response.content.decode(), "reference") == [
        "The reference must be 1 to 64 letters, digits, dots, dashes or underscores."
    ]


def test_a_parent_in_another_country_is_refused_next_to_the_parent(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    congolese = make_actor(country="CD", kind="ministry_of_defence", name="Ministère de la Défense (RDC)")
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Border guard", "kind": "border_guard", "parent": congolese.pk, "confidence": "medium"},
        **HTMX,
    )
    errors = field_errors(response.content.decode(), "parent")
    assert len(errors) == 1
    assert "valid choice" in errors[0]
    assert not Actor.objects.filter(name_en="Border guard").exists()


def test_a_parent_loop_is_refused_next_to_the_parent(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.presidency.pk}),
        {
            "name_en": "Presidency",
            "kind": "head_of_state",
            "reference": "PR",
            "parent": small_map.army.pk,
            "confidence": "medium",
        },
        **HTMX,
    )
    assert field_errors(response.content.decode(), "parent") == [
        "This parent would make a loop: the actor is already one of its ancestors."
    ]
    small_map.presidency.refresh_from_db()
    assert small_map.presidency.parent is None


def test_an_actor_cannot_be_chosen_as_its_own_parent(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-edit", kwargs={"pk": small_map.army.pk}), **HTMX).content.decode()
    parent_select = re.search(r'<select name="parent".*?</select>', html, re.S)
    assert parent_select is not None
    assert f'value="{small_map.army.pk}"' not in parent_select.group(0)


def test_edit_actor_form_holds_the_current_values(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-edit", kwargs={"pk": small_map.army.pk}), **HTMX).content.decode()
    assert '<h2 id="dialog-title">Edit Armed Forces</h2>' in html
    assert 'name="name_en" value="Armed Forces"' in html
    assert 'name="reference" value="FACA"' in html
    assert f'<option value="{small_map.defence.pk}" selected>' in html
    assert '<option value="armed_forces" selected>' in html


def _army_form(small_map: SmallMap, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name_en": "Armed Forces",
        "name_fr": "Forces armées",
        "acronym_en": "FACA",
        "kind": "armed_forces",
        "reference": "FACA",
        "parent": small_map.defence.pk,
        "statutory": "on",
        "confidence": "medium",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def test_editing_an_actor_with_htmx_saves_and_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(
            small_map,
            name_en="Central African Armed Forces",
            legitimacy_disputed="on",
            mandate_text="Defend the territory.",
        ),
        **HTMX,
    )
    assert changed_message(response) == "Actor “Central African Armed Forces” saved."
    small_map.army.refresh_from_db()
    assert small_map.army.name_en == "Central African Armed Forces"
    assert small_map.army.legitimacy_disputed is True
    assert small_map.army.mandate_text == "Defend the territory."
    assert small_map.army.reference == "FACA"


def test_editing_an_actor_with_a_plain_post_redirects_with_a_message(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}), _army_form(small_map, statutory=None, parent="")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": small_map.army.pk})
    assert messages_shown(member_client.get(response["Location"])) == ["Actor “Armed Forces” saved."]
    small_map.army.refresh_from_db()
    assert small_map.army.statutory is False
    assert small_map.army.parent is None


def test_editing_an_actors_kind_changes_its_family(member_client: Client, small_map: SmallMap) -> None:
    member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}), _army_form(small_map, kind="military_court"), **HTMX
    )
    small_map.army.refresh_from_db()
    assert small_map.army.family == "justice"


def test_clearing_the_reference_keeps_the_old_one(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}), _army_form(small_map, reference=""), **HTMX
    )
    assert response.status_code == 204
    small_map.army.refresh_from_db()
    assert small_map.army.reference == "FACA"


def test_deleting_an_actor_from_its_page_goes_back_to_the_country(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-delete", kwargs={"pk": small_map.army.pk}), {"next": "country"}, **HTMX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("country-detail", kwargs={"code": "CF"})
    assert not Actor.objects.filter(pk=small_map.army.pk).exists()
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()
    assert messages_shown(member_client.get(response["HX-Redirect"])) == [
        "Actor “Armed Forces” deleted, with its relationships."
    ]


def test_deleting_an_actor_with_htmx_elsewhere_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(reverse("actor-delete", kwargs={"pk": small_map.newspaper.pk}), **HTMX)
    assert changed_message(response) == "Actor “Le Citoyen” deleted, with its relationships."
    assert Actor.objects.count() == 6


def test_deleting_an_actor_with_a_plain_post_redirects_to_the_country(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(reverse("actor-delete", kwargs={"pk": small_map.defence.pk}), {"next": "country"})
    assert response.status_code == 302
    assert response["Location"] == reverse("country-detail", kwargs={"code": "CF"})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Actor “Ministry of Defence” deleted, with its relationships."]
    small_map.army.refresh_from_db()
    assert small_map.army.parent is None
    assert "6 actors, 2 relationships" in text(page.content.decode())


def test_deleting_an_actor_needs_a_post(member_client: Client, small_map: SmallMap) -> None:
    assert member_client.get(reverse("actor-delete", kwargs={"pk": small_map.army.pk})).status_code == 405
    assert Actor.objects.filter(pk=small_map.army.pk).exists()


# --- Creating, editing and deleting relationships ------------------------------------------------------------------


def _relationship_form(source: Actor, type: str, target: Actor, **fields: object) -> dict[str, object]:
    return {
        "source": source.pk,
        "type": type,
        "target": target.pk,
        "ongoing": "on",
        "strength": "moderate",
        "confidence": "medium",
        **fields,
    }


def test_new_relationship_form_preselects_the_source(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(
        reverse("relationship-create", kwargs={"code": "CF"}), {"source": small_map.interior.pk}, **HTMX
    ).content.decode()
    source_select = re.search(r'<select name="source".*?</select>', html, re.S)
    assert source_select is not None
    assert f'<option value="{small_map.interior.pk}" selected>Ministry of the Interior</option>' in source_select.group(
        0
    )


def test_creating_a_relationship_with_htmx_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(
            small_map.defence,
            "administers",
            small_map.army,
            legal_basis="Law 17.011",
            start="2017-05",
            strength="strong",
        ),
        **HTMX,
    )
    assert changed_message(response) == "Relationship “Ministry of Defence administers Armed Forces” created."
    relationship = Relationship.objects.get(source=small_map.defence, target=small_map.army)
    assert (relationship.type, relationship.start, relationship.strength, relationship.country) == (
        "administers",
        "2017-05",
        "strong",
        "CF",
    )


def test_creating_a_relationship_with_a_plain_post_redirects_to_its_source(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.newspaper, "scrutinises", small_map.police),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": small_map.newspaper.pk})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Relationship “Le Citoyen scrutinises National Police” created."]
    assert table_rows(page.content.decode(), "outgoing")[0][:2] == ["scrutinises", "National Police"]


def test_a_relationship_to_itself_is_refused_next_to_the_target(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.police, "coordinates_with", small_map.police),
        **HTMX,
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "target") == ["An actor cannot be related to itself."]
    assert Relationship.objects.count() == 3


def test_an_end_before_the_start_is_refused_next_to_the_end(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.defence, "administers", small_map.army, start="2016-03", end="2015", ongoing=""),
        **HTMX,
    )
    html = response.content.decode()
    assert field_errors(html, "end") == ["The end date comes before the start date."]
    assert 'name="start" value="2016-03"' in html


def test_an_ongoing_relationship_with_an_end_is_refused_next_to_the_end(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.defence, "administers", small_map.army, start="2016", end="2018"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "end") == ["An ongoing relationship has no end date."]


def test_a_newspaper_commanding_the_police_is_refused_next_to_the_type(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.newspaper, "commands", small_map.police),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "type") == [
        "An actor of the family “Public information” cannot be the source of “commands”."
    ]
    assert not Relationship.objects.filter(source=small_map.newspaper).exists()


def test_an_unreadable_date_is_refused_next_to_its_field(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.defence, "administers", small_map.army, start="March 2016"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "start") == [
        "“March 2016” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
    ]


def test_a_relationship_with_an_actor_of_another_country_is_refused(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    congolese = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.interior, "administers", congolese),
        **HTMX,
    )
    errors = field_errors(response.content.decode(), "target")
    assert len(errors) == 1
    assert "valid choice" in errors[0]


def test_edit_relationship_form_holds_the_current_values(member_client: Client, small_map: SmallMap) -> None:
    services.relationship_update(
        user=None,
        relationship=small_map.commands,
        data=RelationshipData(
            source=small_map.presidency,
            target=small_map.army,
            type="commands",
            start=services.fuzzy_or_none("2016", field="start"),
            legal_basis="Constitution",
            owner=small_map.presidency.owner,
        ),
    )
    html = member_client.get(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}), **HTMX
    ).content.decode()
    assert 'name="start" value="2016"' in html
    assert 'name="legal_basis" value="Constitution"' in html
    assert '<option value="commands" selected>' in html
    assert 'hx-post="/relationships/' in html


def test_editing_a_relationship_with_htmx_saves_and_triggers_a_refresh(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}),
        _relationship_form(
            small_map.presidency, "appoints", small_map.army, start="2016", end="2020-06", ongoing="", confidence="high"
        ),
        **HTMX,
    )
    assert changed_message(response) == "Relationship “Presidency appoints Armed Forces” saved."
    small_map.commands.refresh_from_db()
    assert (small_map.commands.type, small_map.commands.start, small_map.commands.end) == (
        "appoints",
        "2016",
        "2020-06",
    )
    assert (small_map.commands.ongoing, small_map.commands.confidence) == (False, "high")


def test_editing_a_relationship_with_a_plain_post_redirects_to_its_source(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.oversees.pk}),
        _relationship_form(small_map.parliament, "oversees", small_map.defence, legal_basis="Art. 60"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": small_map.parliament.pk})
    assert messages_shown(member_client.get(response["Location"])) == [
        "Relationship “National Assembly oversees (parliamentary) Ministry of Defence” saved."
    ]
    small_map.oversees.refresh_from_db()
    assert small_map.oversees.legal_basis == "Art. 60"


def test_editing_a_relationship_with_bad_data_keeps_it(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}),
        _relationship_form(small_map.newspaper, "commands", small_map.army),
        **HTMX,
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "type") == [
        "An actor of the family “Public information” cannot be the source of “commands”."
    ]
    small_map.commands.refresh_from_db()
    assert small_map.commands.source == small_map.presidency


def test_deleting_a_relationship_with_htmx_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(reverse("relationship-delete", kwargs={"pk": small_map.commands.pk}), **HTMX)
    assert changed_message(response) == "Relationship “Presidency commands Armed Forces” deleted."
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()
    assert Actor.objects.count() == 7


def test_deleting_a_relationship_with_a_plain_post_redirects_to_its_source(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(reverse("relationship-delete", kwargs={"pk": small_map.administers.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": small_map.interior.pk})
    assert messages_shown(member_client.get(response["Location"])) == [
        "Relationship “Ministry of the Interior administers National Police” deleted."
    ]


def test_deleting_a_relationship_needs_a_post(member_client: Client, small_map: SmallMap) -> None:
    assert member_client.get(reverse("relationship-delete", kwargs={"pk": small_map.commands.pk})).status_code == 405
    assert Relationship.objects.filter(pk=small_map.commands.pk).exists()


# --- Sources and citations -----------------------------------------------------------------------------------------


def test_citing_a_new_source_with_a_document_stores_it(member_client: Client, small_map: SmallMap) -> None:
    document = SimpleUploadedFile(
        "loi-2017-011.pdf", b"%PDF-1.4 the law on the armed forces", content_type="application/pdf"
    )
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(
            small_map,
            source_title="Law 17.011 on the armed forces",
            source_author="Official Journal",
            source_date="2017-05",
            source_url="https://example.org/law-17-011",
            source_document=document,
            source_locator="Art. 3",
        ),
        **HTMX,
    )
    assert response.status_code == 204
    source = Source.objects.get(title="Law 17.011 on the armed forces")
    assert (source.country, source.author, source.published, source.url) == (
        "CF",
        "Official Journal",
        "2017-05",
        "https://example.org/law-17-011",
    )
    citation = Citation.objects.get(actor=small_map.army)
    assert (citation.source, citation.locator) == (source, "Art. 3")


def test_a_cited_document_downloads_back(member_client: Client, small_map: SmallMap) -> None:
    content = b"%PDF-1.4 the law on the armed forces"
    member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(
            small_map,
            source_title="Law 17.011",
            source_document=SimpleUploadedFile("loi-2017-011.pdf", content, content_type="application/pdf"),
        ),
        **HTMX,
    )
    source = Source.objects.get(title="Law 17.011")
    page = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.army.pk})).content.decode()
    assert f'<a href="{reverse("source-document", kwargs={"pk": source.pk})}">document</a>' in page
    response = member_client.get(reverse("source-document", kwargs={"pk": source.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "loi-2017-011" in response["Content-Disposition"]
    response.close()


def test_uploaded_documents_are_stored_outside_the_static_files(
    member_client: Client, small_map: SmallMap, file_roots: Path
) -> None:
    member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(
            small_map,
            source_title="Law 17.011",
            source_document=SimpleUploadedFile("law.pdf", b"%PDF-1.4", content_type="application/pdf"),
        ),
        **HTMX,
    )
    stored = Path(Source.objects.get(title="Law 17.011").document.path)
    assert stored.is_relative_to(file_roots / "media")
    assert stored.read_bytes() == b"%PDF-1.4"


def test_a_source_without_a_document_has_nothing_to_download(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    assert member_client.get(reverse("source-document", kwargs={"pk": constitution.pk})).status_code == 404


def test_citing_a_recorded_source_for_a_relationship(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}),
        _relationship_form(
            small_map.presidency, "commands", small_map.army, cite_source=constitution.pk, source_locator="Art. 33"
        ),
        **HTMX,
    )
    assert response.status_code == 204
    citation = Citation.objects.get(relationship=small_map.commands)
    assert (citation.source, citation.locator) == (constitution, "Art. 33")
    assert Source.objects.count() == 1


def test_citing_a_new_source_while_creating_an_actor(member_client: Client, small_map: SmallMap) -> None:
    member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {
            "name_en": "Court of Accounts",
            "kind": "court_of_accounts",
            "confidence": "medium",
            "source_title": "Organic law on the Court of Accounts",
            "source_locator": "Art. 1",
        },
        **HTMX,
    )
    actor = Actor.objects.get(name_en="Court of Accounts")
    assert [(citation.source.title, citation.locator) for citation in actor.citations.all()] == [
        ("Organic law on the Court of Accounts", "Art. 1")
    ]


def test_citing_the_same_new_source_twice_records_it_once(member_client: Client, small_map: SmallMap) -> None:
    for actor, form in (
        (small_map.army, _army_form(small_map, source_title="Law 17.011")),
        (small_map.army, _army_form(small_map, source_title="Law 17.011", source_locator="Art. 9")),
    ):
        member_client.post(reverse("actor-edit", kwargs={"pk": actor.pk}), form, **HTMX)
    assert Source.objects.filter(title="Law 17.011").count() == 1
    assert Citation.objects.filter(actor=small_map.army).count() == 2


def test_choosing_a_recorded_source_and_describing_a_new_one_is_refused(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(small_map, cite_source=constitution.pk, source_title="Another source"),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a recorded source or describe a new one, not both." in html
    assert not Citation.objects.filter(actor=small_map.army).exists()


def test_a_new_source_without_a_title_is_refused_next_to_the_title(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(small_map, source_url="https://example.org/law"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "source_title") == ["A new source needs a title."]


def test_a_source_date_that_cannot_be_read_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(small_map, source_title="Law", source_date="yesterday"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "source_date") == [
        "“yesterday” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
    ]
    assert not Source.objects.exists()


def test_removing_a_citation_with_htmx_keeps_the_source(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    citation = Citation.objects.get(actor=small_map.defence)
    response = member_client.post(reverse("citation-delete", kwargs={"pk": citation.pk}), **HTMX)
    assert changed_message(response) == "Citation of “Constitution of 30 March 2016” removed."
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert Source.objects.filter(pk=constitution.pk).exists()
    assert Citation.objects.filter(relationship=small_map.oversees).exists()


def test_removing_a_citation_with_a_plain_post_redirects_to_the_actor(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    citation = Citation.objects.get(relationship=small_map.oversees)
    response = member_client.post(reverse("citation-delete", kwargs={"pk": citation.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": small_map.parliament.pk})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Citation of “Constitution of 30 March 2016” removed."]
    assert table_rows(page.content.decode(), "outgoing")[0][6] == "No source cited."


def test_removing_a_citation_needs_a_post(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    citation = Citation.objects.get(actor=small_map.defence)
    assert member_client.get(reverse("citation-delete", kwargs={"pk": citation.pk})).status_code == 405
    assert Citation.objects.filter(pk=citation.pk).exists()


# --- Import --------------------------------------------------------------------------------------------------------

ACTOR_HEADER = ("reference", "kind", "name_en", "name_fr", "parent", "confidence", "source_title", "source_locator")
RELATIONSHIP_HEADER = ("from", "type", "to", "start", "strength")
GOOD_ACTORS = [
    (
        "MOD",
        "ministry_of_defence",
        "Ministry of Defence",
        "Ministère de la Défense",
        "",
        "high",
        "Constitution",
        "Art. 12",
    ),
    ("ARMY", "armed_forces", "Armed Forces", "Forces armées", "MOD", "medium", "", ""),
    ("CIT", "media", "Le Citoyen", "Le Citoyen", "", "low", "", ""),
]
GOOD_RELATIONSHIPS = [
    ("MOD", "administers", "ARMY", "2017-05", "strong"),
    ("CIT", "scrutinises", "MOD", "2019", "weak"),
]


def good_workbook() -> bytes:
    return write_xlsx(
        {"actors": (ACTOR_HEADER, GOOD_ACTORS), "relationships": (RELATIONSHIP_HEADER, GOOD_RELATIONSHIPS)}
    )


def upload(client: Client, name: str, content: bytes, country: str = "CD") -> HttpResponse:
    return client.post(reverse("country-import", kwargs={"code": country}), {"file": SimpleUploadedFile(name, content)})


def report_rows(response: HttpResponse) -> list[list[str]]:
    return table_rows(response.content.decode(), "import-report")


def problem_rows(response: HttpResponse) -> list[list[str]]:
    return table_rows(response.content.decode(), "import-problems")


def test_import_page_shows_the_form_and_the_templates(member_client: Client) -> None:
    html = member_client.get(reverse("country-import", kwargs={"code": "CD"})).content.decode()
    assert "Import actors and relationships into Democratic Republic of the Congo" in text(html)
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="file"' in html
    assert 'href="/import-template.xlsx"' in html
    assert 'href="/import-template.csv"' in html


def test_importing_a_good_workbook_reports_what_was_created(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.xlsx", good_workbook())
    assert response.status_code == 200
    assert report_rows(response) == [["Actors", "3", "0", "0"], ["Relationships", "2", "0", "0"]]
    assert "1 new sources, 1 new citations." in text(response.content.decode())
    assert messages_shown(response) == ["Import finished."]
    assert problem_rows(response) == []


def test_importing_a_good_workbook_writes_the_map(member_client: Client, db: None) -> None:
    upload(member_client, "map.xlsx", good_workbook())
    army = Actor.objects.get(country="CD", reference="ARMY")
    assert (army.name_fr, army.parent.reference if army.parent else None, army.family) == (
        "Forces armées",
        "MOD",
        "security_providers",
    )
    administers = Relationship.objects.get(country="CD", type="administers")
    assert (administers.source.reference, administers.target.reference, administers.start, administers.strength) == (
        "MOD",
        "ARMY",
        "2017-05",
        "strong",
    )
    citation = Citation.objects.get(actor__reference="MOD")
    assert (citation.source.title, citation.source.country, citation.locator) == ("Constitution", "CD", "Art. 12")


def test_importing_the_same_workbook_again_changes_nothing(member_client: Client, db: None) -> None:
    upload(member_client, "map.xlsx", good_workbook())
    before = sorted(Actor.objects.values_list("reference", "updated_at"))
    again = upload(member_client, "map.xlsx", good_workbook())
    assert report_rows(again) == [["Actors", "0", "0", "3"], ["Relationships", "0", "0", "2"]]
    assert "0 new sources, 0 new citations." in text(again.content.decode())
    assert sorted(Actor.objects.values_list("reference", "updated_at")) == before
    assert (Relationship.objects.count(), Source.objects.count(), Citation.objects.count()) == (2, 1, 1)


def test_importing_a_csv_table(member_client: Client, db: None) -> None:
    response = upload(member_client, "actors.csv", write_csv(ACTOR_HEADER, GOOD_ACTORS))
    assert report_rows(response) == [["Actors", "3", "0", "0"], ["Relationships", "0", "0", "0"]]
    assert sorted(Actor.objects.filter(country="CD").values_list("reference", flat=True)) == ["ARMY", "CIT", "MOD"]


def test_importing_a_semicolon_csv_from_a_french_spreadsheet(member_client: Client, db: None) -> None:
    content = b"reference;kind;name_en;name_fr\nPN;police;National Police;Police nationale\n"
    response = upload(member_client, "acteurs.csv", content)
    assert report_rows(response)[0] == ["Actors", "1", "0", "0"]
    assert Actor.objects.get(reference="PN").name_fr == "Police nationale"


def test_importing_a_zip_of_csv_tables(member_client: Client, db: None) -> None:
    archive = write_zip(
        {
            "actors.csv": write_csv(ACTOR_HEADER, GOOD_ACTORS),
            "relationships.csv": write_csv(RELATIONSHIP_HEADER, GOOD_RELATIONSHIPS),
        }
    )
    response = upload(member_client, "map.zip", archive)
    assert report_rows(response) == [["Actors", "3", "0", "0"], ["Relationships", "2", "0", "0"]]


def test_importing_a_bad_workbook_lists_every_problem_and_writes_nothing(member_client: Client, db: None) -> None:
    actors = [
        ("MOD", "ministry_of_defence", "Ministry of Defence", "", "", "high", "", ""),
        ("ARMY", "tanks", "Armed Forces", "", "MOD", "medium", "", ""),
        ("CIT", "media", "", "", "", "sure", "", ""),
        ("MOD", "ministry_of_defence", "Ministry of Defence again", "", "", "", "", ""),
    ]
    relationships = [
        ("CIT", "commands", "MOD", "2017", ""),
        ("MOD", "administers", "NAVY", "", ""),
        ("MOD", "administers", "MOD", "last year", ""),
    ]
    workbook = write_xlsx({"actors": (ACTOR_HEADER, actors), "relationships": (RELATIONSHIP_HEADER, relationships)})
    response = upload(member_client, "map.xlsx", workbook)
    rows = [row[:3] for row in problem_rows(response)]
    assert ["actors", "3", "kind"] in rows
    assert ["actors", "4", "name_en"] in rows
    assert ["actors", "4", "confidence"] in rows
    assert ["actors", "5", "reference"] in rows
    assert ["relationships", "2", "type"] in rows
    assert ["relationships", "3", "to"] in rows
    assert ["relationships", "4", "start"] in rows
    assert ["relationships", "4", "to"] in rows
    assert f"{len(rows)} problems found: nothing was imported" in text(response.content.decode())
    assert report_rows(response) == []
    assert not Actor.objects.exists()
    assert not Relationship.objects.exists()


def test_import_problems_explain_themselves(member_client: Client, db: None) -> None:
    actors = [("ARMY", "tanks", "Armed Forces", "", "", "", "", "")]
    response = upload(member_client, "actors.csv", write_csv(ACTOR_HEADER, actors))
    assert problem_rows(response) == [["actors", "2", "kind", "“tanks” is not a known kind of actor."]]


def test_importing_a_file_with_one_bad_row_keeps_the_existing_map(member_client: Client, small_map: SmallMap) -> None:
    actors = [("POL", "police", "Police renamed", "", "", "", "", ""), ("X", "unknown", "X", "", "", "", "", "")]
    response = upload(member_client, "actors.csv", write_csv(ACTOR_HEADER, actors), country="CF")
    assert len(problem_rows(response)) == 1
    assert Actor.objects.get(reference="POL", country="CF").name_en == "National Police"


def test_importing_a_csv_that_is_not_utf8_says_so(member_client: Client, db: None) -> None:
    content = "reference,kind,name_en\nMOD,ministry_of_defence,Ministère de la Défense\n".encode("latin-1")
    response = upload(member_client, "actors.csv", content)
    assert field_errors(response.content.decode(), "file") == ["actors.csv, line 2: the file is not UTF-8 text"]
    assert not Actor.objects.exists()


def test_importing_a_file_of_another_type_says_so(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.pdf", b"%PDF-1.4")
    assert field_errors(response.content.decode(), "file") == [
        "map.pdf: unsupported file type; use .csv, .zip (of CSV files) or .xlsx"
    ]


def test_importing_a_damaged_workbook_says_so(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.xlsx", b"this is not a workbook")
    assert field_errors(response.content.decode(), "file") == ["map.xlsx: not a readable XLSX workbook"]


def test_importing_a_table_with_unknown_columns_says_so(member_client: Client, db: None) -> None:
    response = upload(member_client, "actors.csv", b"reference,kind,colour\nMOD,ministry_of_defence,red\n")
    errors = field_errors(response.content.decode(), "file")
    assert len(errors) == 1
    assert errors[0].startswith("actors.csv: actors: unknown column(s) colour")


def test_importing_a_file_too_large_says_so(member_client: Client, db: None, settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_BYTES = 2**20
    content = write_csv(ACTOR_HEADER, GOOD_ACTORS) + b" " * 2**20
    response = upload(member_client, "actors.csv", content)
    assert field_errors(response.content.decode(), "file") == ["The file is larger than 1 MB."]
    assert not Actor.objects.exists()


def test_importing_without_a_file_says_so(member_client: Client, db: None) -> None:
    response = member_client.post(reverse("country-import", kwargs={"code": "CD"}), {})
    assert field_errors(response.content.decode(), "file") == ["This field is required."]


def test_importing_a_json_map_document(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    document = member_client.get("/countries/CF/export.json").content
    response = upload(member_client, "map.json", document, country="CD")
    assert report_rows(response) == [["Actors", "7", "0", "0"], ["Relationships", "3", "0", "0"]]
    assert "1 new sources, 2 new citations." in text(response.content.decode())
    assert Actor.objects.get(country="CD", reference="FACA").parent == Actor.objects.get(country="CD", reference="MOD")


def test_importing_a_broken_json_document_says_where(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.json", b'{"actors": [\n  {"reference": "MOD",}\n]}')
    errors = field_errors(response.content.decode(), "file")
    assert len(errors) == 1
    assert errors[0].startswith("map.json, line 2, column")


def test_reimporting_an_exported_workbook_changes_nothing(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    exported = member_client.get("/countries/CF/export.xlsx").content
    response = upload(member_client, "egide-CF-map.xlsx", exported, country="CF")
    assert report_rows(response) == [["Actors", "0", "0", "7"], ["Relationships", "0", "0", "3"]]
    assert "0 new sources, 0 new citations." in text(response.content.decode())


def test_the_import_template_imports_cleanly(member_client: Client, db: None) -> None:
    template = member_client.get(reverse("import-template", kwargs={"fmt": "xlsx"})).content
    response = upload(member_client, "egide-map-template.xlsx", template)
    assert report_rows(response) == [["Actors", "2", "0", "0"], ["Relationships", "1", "0", "0"]]


# --- Export ----------------------------------------------------------------------------------------------------------


def export(client: Client, fmt: str) -> HttpResponse:
    response = client.get(reverse("country-export", kwargs={"code": "CF", "fmt": fmt}))
    assert response.status_code == 200
    return response


REFERENCES = ["AN", "CIT", "FACA", "MOD", "MOI", "POL", "PR"]


def test_export_csv_is_a_zip_of_the_three_tables(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    response = export(member_client, "csv")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["actors.csv", "citations.csv", "relationships.csv"]
        actors = list(csv.DictReader(io.StringIO(archive.read("actors.csv").decode("utf-8-sig"))))
        relationships = list(csv.DictReader(io.StringIO(archive.read("relationships.csv").decode("utf-8-sig"))))
        citations = list(csv.DictReader(io.StringIO(archive.read("citations.csv").decode("utf-8-sig"))))
    assert [row["reference"] for row in actors] == REFERENCES
    assert next(row for row in actors if row["reference"] == "FACA")["parent"] == "MOD"
    assert sorted((row["from"], row["type"], row["to"]) for row in relationships) == [
        ("AN", "oversees", "MOD"),
        ("MOI", "administers", "POL"),
        ("PR", "commands", "FACA"),
    ]
    assert sorted((row["record"], row["locator"]) for row in citations) == [
        ("actor", "Art. 28"),
        ("relationship", "Art. 60"),
    ]


def test_export_xlsx_holds_a_sheet_per_table(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    response = export(member_client, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        assert workbook.sheetnames == ["actors", "relationships", "citations"]
        actor_rows = list(workbook["actors"].iter_rows(values_only=True))
        relationship_rows_ = list(workbook["relationships"].iter_rows(values_only=True))
        citation_rows = list(workbook["citations"].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert actor_rows[0][:3] == ("reference", "kind", "name_en")
    assert [row[0] for row in actor_rows[1:]] == REFERENCES
    assert len(relationship_rows_) == 4
    assert len(citation_rows) == 3


def test_export_json_is_the_map_document(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    response = export(member_client, "json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.json"'
    document = json.loads(response.content)
    assert document["country"] == "CF"
    assert [actor["reference"] for actor in document["actors"]] == REFERENCES
    assert document["sources"] == [
        {
            "key": "S1",
            "title": "Constitution of 30 March 2016",
            "author": "Constituent assembly",
            "date": "2016-03-30",
            "url": "",
        }
    ]
    defence = next(actor for actor in document["actors"] if actor["reference"] == "MOD")
    assert defence["citations"] == [{"source": "S1", "locator": "Art. 28"}]
    assert sorted((item["source"], item["type"], item["target"]) for item in document["relationships"]) == [
        ("AN", "oversees", "MOD"),
        ("MOI", "administers", "POL"),
        ("PR", "commands", "FACA"),
    ]


def test_export_graphml_reads_as_a_network(member_client: Client, small_map: SmallMap) -> None:
    response = export(member_client, "graphml")
    assert response["Content-Type"] == "application/graphml+xml"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.graphml"'
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert sorted(graph.nodes) == REFERENCES
    assert graph.nodes["FACA"]["family"] == "security_providers"
    assert graph.nodes["FACA"]["name"] == "Armed Forces"
    assert sorted((source, data["type"], target) for source, target, data in graph.edges(data=True)) == [
        ("AN", "oversees", "MOD"),
        ("MOI", "administers", "POL"),
        ("PR", "commands", "FACA"),
    ]


def test_export_holds_only_the_country(member_client: Client, small_map: SmallMap, make_actor: ActorFactory) -> None:
    make_actor(country="CD", kind="police", name="Police nationale congolaise", reference="PNC")
    document = json.loads(export(member_client, "json").content)
    assert "PNC" not in [actor["reference"] for actor in document["actors"]]


def test_export_of_an_unknown_format_is_not_found(member_client: Client, small_map: SmallMap) -> None:
    assert member_client.get("/countries/CF/export.pdf").status_code == 404


def test_the_xlsx_template_lists_the_sheets_and_codes(member_client: Client) -> None:
    response = member_client.get(reverse("import-template", kwargs={"fmt": "xlsx"}))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="egide-map-template.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        assert workbook.sheetnames == ["actors", "relationships", "citations", "codes"]
        codes = {(row[0], row[1]) for row in workbook["codes"].iter_rows(min_row=2, values_only=True)}
    finally:
        workbook.close()
    assert ("kind", "armed_forces") in codes
    assert ("type", "commands") in codes


def test_the_csv_template_is_a_zip_of_tables(member_client: Client) -> None:
    response = member_client.get(reverse("import-template", kwargs={"fmt": "csv"}))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="egide-map-template.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["actors.csv", "citations.csv", "codes.csv", "relationships.csv"]
        header = archive.read("actors.csv").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("reference,kind,name_en,name_fr")


def test_a_template_of_an_unknown_format_is_not_found(member_client: Client) -> None:
    assert member_client.get("/import-template.json").status_code == 404


# --- French ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def french_client(member_client: Client) -> Client:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return member_client


def test_french_pages_declare_their_language(french_client: Client, small_map: SmallMap) -> None:
    response = french_client.get("/countries/CF/")
    assert '<html lang="fr"' in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_french_country_page_shows_french_names_and_labels(french_client: Client, french_names: SmallMap) -> None:
    response = french_client.get("/countries/CF/", {"sort": "reference"})
    rows = table_rows(response.content.decode(), "actors-table")
    army = next(row for row in rows if row[1] == "FACA")
    assert army == [
        "Forces armées centrafricaines FACA",
        "FACA",
        "Forces de sécurité",
        "Forces armées",
        "Ministère de la Défense nationale",
        "Moyenne",
        "partenaires",
    ]
    assert "République centrafricaine" in text(response.content.decode())


def test_french_names_sort_the_french_way(french_client: Client, french_names: SmallMap) -> None:
    names = actor_names(french_client.get("/countries/CF/"))
    assert names[:3] == ["Assemblée nationale", "Forces armées centrafricaines", "Le Citoyen"]


def test_french_relationship_types(french_client: Client, french_names: SmallMap) -> None:
    rows = relationship_rows(french_client.get("/countries/CF/", {"rtype": "oversees"}))
    assert rows == [("Assemblée nationale", "contrôle (parlementaire)", "Ministère de la Défense nationale")]


def test_french_actor_page_shows_the_french_name(french_client: Client, french_names: SmallMap) -> None:
    html = french_client.get(reverse("actor-detail", kwargs={"pk": french_names.army.pk})).content.decode()
    assert "<h1>Forces armées centrafricaines" in html
    assert "<title>Forces armées centrafricaines · Égide</title>" in html


def test_french_home_lists_countries_in_french(french_client: Client, french_names: SmallMap) -> None:
    rows = table_rows(french_client.get(reverse("home")).content.decode(), "countries")
    assert rows[0][0] == "République centrafricaine CF"
    assert rows[0][3].startswith("Forces de sécurité : 2 ")


def test_french_change_messages_name_the_actor_in_french(french_client: Client, french_names: SmallMap) -> None:
    response = french_client.post(reverse("actor-delete", kwargs={"pk": french_names.army.pk}), **HTMX)
    assert "Forces armées centrafricaines" in changed_message(response)


# The French user-interface labels come from the compiled catalogue (locale/fr/LC_MESSAGES/django.mo).


def test_french_ui_labels_on_the_country_page(french_client: Client, small_map: SmallMap) -> None:
    page = text(french_client.get("/countries/CF/").content.decode())
    assert "Nouvel acteur" in page
    assert "Se déconnecter" in page


def test_french_ui_labels_on_the_forms(french_client: Client, small_map: SmallMap) -> None:
    html = french_client.get(reverse("actor-create", kwargs={"code": "CF"}), **HTMX).content.decode()
    assert "Nom en français" in html
    assert "Enregistrer" in html


def test_french_change_messages(french_client: Client, small_map: SmallMap) -> None:
    response = french_client.post(reverse("relationship-delete", kwargs={"pk": small_map.commands.pk}), **HTMX)
    assert "supprimée" in changed_message(response)


def test_french_validation_messages(french_client: Client, small_map: SmallMap) -> None:
    response = french_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        _relationship_form(small_map.police, "coordinates_with", small_map.police),
        **HTMX,
    )
    errors = field_errors(response.content.decode(), "target")
    assert len(errors) == 1
    assert "lui-même" in errors[0]


# --- Security headers and scripts -----------------------------------------------------------------------------------


def _html_pages(small_map: SmallMap) -> list[tuple[str, dict[str, str]]]:
    return [
        (reverse("home"), {}),
        (reverse("country-detail", kwargs={"code": "CF"}), {}),
        (reverse("country-actors-table", kwargs={"code": "CF"}), HTMX),
        (reverse("country-relationships-table", kwargs={"code": "CF"}), HTMX),
        (reverse("actor-detail", kwargs={"pk": small_map.defence.pk}), {}),
        (reverse("actor-create", kwargs={"code": "CF"}), {}),
        (reverse("actor-create", kwargs={"code": "CF"}), HTMX),
        (reverse("actor-edit", kwargs={"pk": small_map.army.pk}), {}),
        (reverse("relationship-create", kwargs={"code": "CF"}), {}),
        (reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}), HTMX),
        (reverse("country-import", kwargs={"code": "CF"}), {}),
    ]


def _assert_secure(response: HttpResponse) -> None:
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_page_sends_the_security_headers(member_client: Client, small_map: SmallMap) -> None:
    for url, headers in _html_pages(small_map):
        response = member_client.get(url, **headers)
        assert response.status_code == 200, url
        _assert_secure(response)


def test_the_login_page_sends_the_security_headers(anonymous_client: Client) -> None:
    _assert_secure(anonymous_client.get(reverse("login")))


def test_no_page_has_an_inline_script(member_client: Client, anonymous_client: Client, small_map: SmallMap) -> None:
    pages = [member_client.get(url, **headers).content.decode() for url, headers in _html_pages(small_map)]
    pages.append(anonymous_client.get(reverse("login")).content.decode())
    for html in pages:
        for tag in script_tags(html):
            assert " src=" in tag or 'type="application/json"' in tag, tag


def test_no_page_loads_a_script_twice(member_client: Client, small_map: SmallMap) -> None:
    for url, headers in _html_pages(small_map):
        sources = re.findall(r'<script\b[^>]*\ssrc="([^"]+)"', member_client.get(url, **headers).content.decode())
        assert len(sources) == len(set(sources)), url


def test_pages_load_scripts_only_from_the_site(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get("/countries/CF/").content.decode()
    sources = re.findall(r'<script\b[^>]*\ssrc="([^"]+)"', html)
    assert sources
    assert all(source.startswith(("/" + settings.STATIC_URL, settings.STATIC_URL)) for source in sources)


def test_htmx_requests_carry_the_csrf_token(member_client: Client) -> None:
    html = member_client.get(reverse("home")).content.decode()
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[\w-]+\"\}'", html)


def test_a_form_post_without_a_csrf_token_is_refused(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("actor-delete", kwargs={"pk": small_map.army.pk}), **HTMX)
    assert response.status_code == 403
    assert Actor.objects.filter(pk=small_map.army.pk).exists()


# --- Follow-ups: document limits and the page's counts ------------------------------------------------------------


def test_a_document_of_an_unsafe_type_is_refused(member_client: Client, small_map: SmallMap) -> None:
    document = SimpleUploadedFile("payload.html", b"<script>alert(1)</script>", content_type="text/html")
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(small_map, source_title="A page", source_document=document),
        **HTMX,
    )
    assert response.status_code == 200
    assert "Upload a document of one of these types" in response.content.decode()
    assert not Source.objects.filter(title="A page").exists()


def test_a_document_over_the_size_limit_is_refused(
    member_client: Client, small_map: SmallMap, settings: LazySettings
) -> None:
    settings.EGIDE_DOCUMENT_MAX_BYTES = 10
    document = SimpleUploadedFile("law.pdf", b"%PDF-1.4 more than ten bytes", content_type="application/pdf")
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        _army_form(small_map, source_title="Law", source_document=document),
        **HTMX,
    )
    assert "The document is larger than" in response.content.decode()
    assert not Source.objects.filter(title="Law").exists()


def test_the_country_counts_refresh_after_a_change(member_client: Client, small_map: SmallMap) -> None:
    page = member_client.get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert "7 actors, " in " ".join(page.split())
    services.actor_delete(user=None, actor=small_map.newspaper)
    fragment = member_client.get(reverse("country-counts", kwargs={"code": "CF"}), **HTMX).content.decode()
    assert "6 actors, 3 relationships" in " ".join(fragment.split())
    assert 'hx-trigger="egide:changed from:body"' in fragment
