"""The API documentation's titles and descriptions in the reader's language: Accept-Language, or ?lang= in the
address; and every text of the English document is in the catalogue."""

from typing import Any

from django.test import Client
from django.utils import translation

from egide.api.assembly import api
from egide.api.texts import TEXTS


def _texts(node: Any, key: str = "") -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_texts(value, name) for name, value in node.items())) if node else set()
    if isinstance(node, list):
        return set().union(*(_texts(item, key) for item in node)) if node else set()
    return {node} if isinstance(node, str) and key in ("summary", "description", "tags") else set()


def test_every_text_of_the_document_is_in_the_catalogue(db: None) -> None:
    with translation.override("en"):
        schema = api.get_openapi_schema(path_params={})
    texts = _texts(schema) | {schema["info"]["title"]}
    assert "Create an actor" in texts
    assert "Acronym in French" in texts
    with translation.override("fr"):
        # A field's label or help comes from its declaration, which the catalogue already holds.
        missing = {text for text in texts - set(TEXTS) if translation.gettext(text) == text}
    assert missing == set(), "add these texts to egide/api/texts.py and translate them"


def test_the_document_follows_accept_language(db: None) -> None:
    french = Client().get("/api/openapi.json", headers={"accept-language": "fr"}).json()
    assert french["info"]["title"] == "API d’Égide"
    assert french["info"]["description"].startswith("La carte du système de sécurité de chaque pays")
    operation = french["paths"]["/api/v1/countries/{code}/actors"]["get"]
    assert operation["summary"] == "Les acteurs d’un pays"
    assert operation["tags"] == ["carte du système de sécurité"]
    english = Client().get("/api/openapi.json", headers={"accept-language": "en"}).json()
    assert english["paths"]["/api/v1/countries/{code}/actors"]["get"]["summary"] == "A country's actors"


def test_lang_in_the_address_overrides_the_header(db: None) -> None:
    response = Client().get("/api/openapi.json?lang=fr", headers={"accept-language": "en"})
    assert response["Content-Language"] == "fr"
    assert response.json()["paths"]["/api/v1/actors/{pk}"]["get"]["summary"] == "Un acteur"
    back = Client().get("/api/openapi.json?lang=en", headers={"accept-language": "fr"}).json()
    assert back["paths"]["/api/v1/actors/{pk}"]["get"]["summary"] == "One actor"
    # An unknown language is ignored: the header decides.
    other = Client().get("/api/openapi.json?lang=xx", headers={"accept-language": "fr"}).json()
    assert other["paths"]["/api/v1/actors/{pk}"]["get"]["summary"] == "Un acteur"


def test_field_descriptions_are_translated_too(db: None) -> None:
    french = Client().get("/api/openapi.json?lang=fr").json()
    descriptions = _texts(french["components"])
    # The help of a declared date field (a relationship's start and end), and a description of the API's own.
    assert "Une année (2016), un mois (2016-03) ou un jour (2016-03-30)." in descriptions
    assert "A year (2016), a month (2016-03) or a day (2016-03-30)." not in descriptions
    assert "Les clés des constats que vous pouvez voir (1000 au plus)" in descriptions


def test_the_documentation_page_asks_for_the_document_in_its_own_language(db: None) -> None:
    # The page's script cannot set Accept-Language: the document's address carries the page's language.
    french = Client().get("/api/docs?lang=fr", headers={"accept-language": "en"}).content.decode()
    assert '"/api/openapi.json?lang=fr"' in french
    by_header = Client().get("/api/docs", headers={"accept-language": "fr"}).content.decode()
    assert '"/api/openapi.json?lang=fr"' in by_header
    english = Client().get("/api/docs", headers={"accept-language": "en"}).content.decode()
    assert '"/api/openapi.json?lang=en"' in english
