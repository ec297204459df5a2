"""The pages in French: names, labels, sorting and messages."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.actors.html import field_errors, table_rows, text
from tests.actors.pages import HTMX, actor_names, changed_message, relationship_form, relationship_rows
from tests.conftest import SmallMap


@pytest.fixture
def french_client(member_client: Client) -> Client:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return member_client


def test_french_pages_declare_their_language(french_client: Client, small_map: SmallMap) -> None:
    response = french_client.get("/countries/CF/")
    assert '<html lang="fr"' in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_french_country_page_shows_french_names_and_labels(french_client: Client, french_names: SmallMap) -> None:
    response = french_client.get("/countries/CF/actors/", {"sort": "reference"})
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
    names = actor_names(french_client.get("/countries/CF/actors/"))
    assert names[:3] == ["Assemblée nationale", "Forces armées centrafricaines", "Le Citoyen"]


def test_french_relationship_types(french_client: Client, french_names: SmallMap) -> None:
    rows = relationship_rows(french_client.get("/countries/CF/relationships/", {"rtype": "oversees"}))
    assert rows == [("Assemblée nationale", "contrôle (parlementaire)", "Ministère de la Défense nationale")]


def test_french_actor_page_shows_the_french_name(french_client: Client, french_names: SmallMap) -> None:
    html = french_client.get(reverse("actor-detail", kwargs={"pk": french_names.army.pk})).content.decode()
    assert "<h1>Forces armées centrafricaines" in html
    assert "<title>Forces armées centrafricaines · Égide</title>" in html


def test_french_home_lists_countries_in_french(french_client: Client, french_names: SmallMap) -> None:
    rows = table_rows(french_client.get(reverse("country-list")).content.decode(), "countries")
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
        relationship_form(small_map.police, "coordinates_with", small_map.police),
        **HTMX,
    )
    errors = field_errors(response.content.decode(), "target")
    assert len(errors) == 1
    assert "lui-même" in errors[0]
