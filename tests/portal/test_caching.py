"""HTTP caching of the portal's pages: validators and 304s, short public caching, and the page kept in the cache
until a change to what it shows, made through a service, gives it a new last change."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import parse_http_date
from pypdf import PdfReader

from egide.portal import freshness
from egide.portal import services as portal_services
from egide.portal.freshness import last_change
from egide.portal.licences import Licence
from egide.programmes import services as programme_services
from egide.programmes.models import Programme
from tests.portal.conftest import Published
from tests.programmes.conftest import programme_data

pytestmark = pytest.mark.django_db

PAGE = "/public/en/countries/CF/"


def test_answers_carry_validators_and_public_caching(client: Client, published: Published) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response.has_header("Last-Modified")
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert response["Content-Language"] == "en"
    assert "csrftoken" not in response.cookies  # the same page for everyone: nothing of the reader's in it


def test_a_client_holding_the_page_gets_a_304(client: Client, published: Published) -> None:
    first = client.get(PAGE)
    again = client.get(PAGE, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert client.get(PAGE, headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get(PAGE, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304


def test_each_language_and_page_has_its_own_etag(client: Client, published: Published) -> None:
    tags = {client.get(address)["ETag"] for address in (PAGE, "/public/fr/countries/CF/", "/public/en/")}
    assert len(tags) == 3


def test_the_page_is_kept_until_a_service_changes_what_it_shows(client: Client, published: Published) -> None:
    first = client.get(PAGE)
    # A write that bypasses the services (and so the records' timestamps) is not seen: the page is the kept one.
    Programme.objects.filter(pk=published.programme.pk).update(title_en="Quietly renamed")
    kept = client.get(PAGE)
    assert b"Open justice support" in kept.content
    assert kept["ETag"] == first["ETag"]
    # Through the service, the programme's change gives the country a new last change: a new page and ETag.
    programme_services.programme_update(
        user=None,
        programme=Programme.objects.get(pk=published.programme.pk),
        data=programme_data(published.programme.owner, title_en="Justice for all", title_fr="La justice pour tous"),
    )
    changed = client.get(PAGE, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert b"Justice for all" in changed.content


def test_a_licence_chosen_changes_the_pages(client: Client, published: Published) -> None:
    first = client.get(PAGE)
    assert b"All rights reserved" in first.content
    portal_services.licence_set(user=None, organisation=published.programme.owner, licence=Licence.CC_BY)
    changed = client.get(PAGE, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert b"CC BY 4.0" in changed.content


def test_a_record_made_not_public_leaves_the_page(client: Client, published: Published) -> None:
    first = client.get(PAGE)
    assert b"Open justice support" in first.content
    programme_services.programme_update(
        user=None,
        programme=Programme.objects.get(pk=published.programme.pk),
        data=programme_data(published.programme.owner, title_en="Open justice support", confidentiality="partners"),
    )
    assert b"Open justice support" not in client.get(PAGE).content


def test_last_modified_is_the_latest_change(client: Client, published: Published) -> None:
    response = client.get(PAGE)
    modified = last_change(country="CF").modified
    assert modified is not None
    assert parse_http_date(response["Last-Modified"]) == int(modified.timestamp())


def test_the_public_brief_is_a_pdf_of_public_records_kept_for_the_day(
    client: Client, published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = client.get("/public/fr/countries/CF/brief.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="egide-cf-brief-fr.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "République centrafricaine" in text
    assert "Confidentialité : Public" in text
    assert "Gendarmerie nationale" in text
    etag = response["ETag"]
    # Held by the client: a 304 the same day, a new brief the next (it is as of today).
    assert client.get("/public/fr/countries/CF/brief.pdf", headers={"if-none-match": etag}).status_code == 304
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(freshness.timezone, "localdate", lambda: tomorrow)
    assert client.get("/public/fr/countries/CF/brief.pdf", headers={"if-none-match": etag}).status_code == 200
    assert client.get("/public/fr/countries/CD/brief.pdf").status_code == 404  # nothing published there
