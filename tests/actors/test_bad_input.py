"""Bad input to the pages, forms and imports: refused with a message naming the parameter or field, never a 500,
and never a traceback, even with DEBUG on. PostgreSQL cannot store or even compare text holding a NUL."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.actors import views
from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor, Relationship, Source
from egide.actors.rules import Problem, check_texts, control_character
from egide.actors.tabular import write_zip
from tests.actors.html import field_errors
from tests.conftest import SmallMap

# --- The rule ---------------------------------------------------------------------------------------------------------


def test_control_characters_are_found_and_named() -> None:
    assert control_character("Armed Forces") is None
    assert control_character("Forces armées — FACA ✓") is None
    assert control_character("a\x00b") == "\x00"
    assert control_character("line\nbreak") == "\n"
    assert control_character("line\nbreak", multiline=True) is None
    assert control_character("tab\there", multiline=True) is None
    assert control_character("escape \x1b", multiline=True) == "\x1b"
    assert control_character("delete \x7f") == "\x7f"
    assert control_character("C1 \x85") == "\x85"
    assert control_character("half \ud800") == "\ud800"
    assert check_texts({"name_en": "ok", "notes": "two\nlines", "acronym_en": "A\x00"}) == [
        Problem("acronym_en", "Remove the control character U+0000: it has no place in text.")
    ]
    assert check_texts({"name_en": "two\nlines"}) == [
        Problem("name_en", "Remove the control character U+000A: it has no place in text.")
    ]


# --- Searches and filters of the pages --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/countries/CF/actors/", "q"),
        ("/countries/CF/relationships/", "rq"),
        ("/countries/CF/actors/", "family"),
        ("/countries/CF/actors/", "kind"),
        ("/countries/CF/relationships/", "rtype"),
        ("/countries/CF/actors/table/", "q"),
        ("/countries/CF/relationships/table/", "rq"),
    ],
)
@pytest.mark.parametrize("value", ["%00", "police%00", "a%01b"])
def test_a_control_character_in_a_search_is_refused_naming_it(
    member_client: Client, small_map: SmallMap, path: str, parameter: str, value: str
) -> None:
    response = member_client.get(f"{path}?{parameter}={value}")
    assert response.status_code == 400
    html = response.content.decode()
    assert f"The parameter “{parameter}” of the address is refused." in html
    assert "Remove the control character U+00" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["page=99999999999999999999", "page=-5", "page=abc", "page=%00", "rpage=1e9", "sort=%00", "rsort=%00"]
)
def test_absurd_page_numbers_and_sorts_show_a_page(member_client: Client, small_map: SmallMap, query: str) -> None:
    tab = "relationships" if query.startswith("r") else "actors"
    response = member_client.get(f"/countries/CF/{tab}/?{query}")
    assert response.status_code == 200
    assert "National Police" in response.content.decode()


@pytest.mark.django_db
def test_a_search_still_finds(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/countries/CF/actors/table/?q=Police")
    assert response.status_code == 200
    assert "National Police" in response.content.decode()
    assert "Armed Forces" not in response.content.decode()


# --- Forms ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name_en", "Secret\x00Police", "Null characters are not allowed."),
        ("name_en", "Escape\x1b[31m", "Remove the control character U+001B: it has no place in text."),
        ("acronym_en", "A\x07", "Remove the control character U+0007: it has no place in text."),
        ("notes", "bell \x07", "Remove the control character U+0007: it has no place in text."),
    ],
)
def test_control_characters_in_the_actor_form_are_refused_naming_the_field(
    member_client: Client, small_map: SmallMap, field: str, value: str, message: str
) -> None:
    data = {"name_en": "Gendarmerie", "kind": "gendarmerie", "confidence": "medium"} | {field: value}
    response = member_client.post(reverse("actor-create", kwargs={"code": "CF"}), data)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), field) == [message]
    assert not Actor.objects.filter(kind="gendarmerie").exists()
    response = member_client.post(reverse("actor-edit", kwargs={"pk": small_map.army.pk}), data)
    assert field_errors(response.content.decode(), field) == [message]
    assert Actor.objects.get(pk=small_map.army.pk).name_en == "Armed Forces"


@pytest.mark.django_db
def test_line_breaks_stay_allowed_in_the_notes_of_the_form(member_client: Client, small_map: SmallMap) -> None:
    data = {"name_en": "Gendarmerie", "kind": "gendarmerie", "confidence": "medium", "notes": "One\r\nTwo\tthree"}
    response = member_client.post(reverse("actor-create", kwargs={"code": "CF"}), data)
    assert response.status_code == 302
    assert Actor.objects.get(kind="gendarmerie").notes == "One\r\nTwo\tthree"


# --- Imports ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_control_characters_in_an_import_are_refused_with_their_place(small_map: SmallMap) -> None:
    actors = (
        "reference,kind,name_en,notes,source_title\n"
        "GN,gendarmerie,Gendarmerie\x00nationale,,\n"
        'DGSE,intelligence_service,Intelligence,"line one\nline two",\n'
        "CPS,police,Police,\x07,Decree\x00 2020\n"
    )
    relationships = "from,type,to,notes\nPR,commands,GN,\x1b\n"
    archive = write_zip({"actors.csv": actors.encode(), "relationships.csv": relationships.encode()})
    counts = (Actor.objects.count(), Relationship.objects.count(), Source.objects.count())
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=None, country="CF", tables=read_map_file(archive, filename="map.zip"))
    places = {(problem.table, problem.row, problem.column): problem.message for problem in rejected.value.problems}
    assert places[("actors", 2, "name_en")] == "Remove the control character U+0000: it has no place in text."
    assert ("actors", 4, "notes") not in places  # a line break in notes is text (rows are counted as lines)
    assert places[("actors", 5, "notes")] == "Remove the control character U+0007: it has no place in text."
    assert places[("actors", 5, "source_title")] == "Remove the control character U+0000: it has no place in text."
    assert places[("relationships", 2, "notes")] == "Remove the control character U+001B: it has no place in text."
    assert (Actor.objects.count(), Relationship.objects.count(), Source.objects.count()) == counts


# --- Server errors ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_error_shows_no_traceback_even_with_debug_on(
    small_map: SmallMap, settings: Any, monkeypatch: pytest.MonkeyPatch, member: User
) -> None:
    settings.DEBUG = True

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals of the country page")

    monkeypatch.setattr(views, "_country_context", broken)
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.get("/countries/CF/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "The server met an error and could not answer." in html
    assert "Traceback" not in html
    assert "secret internals" not in html
    assert "RuntimeError" not in html
