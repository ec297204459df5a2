"""The import page's refusals of a file it cannot read, in French."""

import pytest
from django.conf import settings
from django.test import Client

from tests.actors.html import field_errors, text
from tests.actors.test_import_page import upload


@pytest.fixture
def french_client(member_client: Client) -> Client:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return member_client


def test_a_header_that_matches_no_table_is_refused_in_french(french_client: Client, db: None) -> None:
    (message,) = field_errors(upload(french_client, "map.csv", b"name,colour\nx,y\n").content.decode(), "file")
    assert message.startswith("map.csv : la ligne d’en-tête ne correspond à aucune table : actors exige")


def test_a_json_syntax_error_is_placed_in_french(french_client: Client, db: None) -> None:
    page = text(upload(french_client, "map.json", b'{"actors": [\n}').content.decode())
    assert "map.json, ligne 2, colonne 1 : Expecting value" in page
