"""Every page of the references app: lists with their filters and search, detail pages, forms, deletion, the
uploaded file, and the latest developments; what each reader sees of them."""

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation
from egide.audit.models import Action, AuditEvent
from egide.references.models import Framework, Mission, ReferenceDocument
from tests.references.pdfs import NOT_A_PDF, pdf_with_text

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: object) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)  # type: ignore[attr-defined]


def test_the_lists_show_public_records_to_visitors_and_hide_the_others(
    make_document: Callable[..., ReferenceDocument],
    make_mission: Callable[..., Mission],
    make_framework: Callable[..., Framework],
) -> None:
    make_document()
    make_document(title_en="Internal note on sequencing", symbol="", confidentiality=Confidentiality.ORGANISATION)
    make_mission()
    make_mission(acronym_en="SECRET-OP", confidentiality=Confidentiality.PARTNERS)
    make_framework()
    visitor = _client()
    documents = _text(visitor.get(reverse("document-list")))
    assert "Resolution 2151 on security sector reform" in documents
    assert "Internal note" not in documents
    missions = _text(visitor.get(reverse("mission-list")))
    assert "EULEX Kosovo" in missions
    assert "SECRET-OP" not in missions
    assert "A Concept for European Community Support" in _text(visitor.get(reverse("framework-list")))


def test_the_document_list_searches_filters_and_ranks(
    make_document: Callable[..., ReferenceDocument], member: User
) -> None:
    make_document()
    make_document(
        title_en="Police reform in the DR Congo", symbol="S/2010/1", countries=["CD"], summary_en="", summary_fr=""
    )
    client = _client(member)
    found = BeautifulSoup(client.get(reverse("document-list"), {"q": "police"}).content, "html.parser")
    assert [row.a.get_text() for row in found.select("#documents tbody tr")] == ["Police reform in the DR Congo"]
    by_country = _text(client.get(reverse("document-list"), {"country": "cd"}))
    assert "Police reform" in by_country
    assert "Resolution 2151" not in by_country
    by_type = _text(client.get(reverse("document-list"), {"type": "debate"}))
    assert "No document matches." in by_type


def test_htmx_filters_answer_the_same_page_for_the_client_to_select_from(
    make_mission: Callable[..., Mission],
) -> None:
    make_mission()
    response = _client().get(
        reverse("mission-list"), {"country": "XK", "kind": "eu_csdp_civilian"}, HTTP_HX_REQUEST="true"
    )
    assert 'id="results"' in response.content.decode()
    assert "EULEX Kosovo" in _text(response)
    assert "EULEX Kosovo" not in _text(_client().get(reverse("mission-list"), {"country": "HT"}))


def test_detail_pages_show_the_record_its_links_and_history(
    make_document: Callable[..., ReferenceDocument],
    make_mission: Callable[..., Mission],
    make_framework: Callable[..., Framework],
    member: User,
) -> None:
    document = make_document(countries=["XK"])
    mission = make_mission(document_ids=[document.pk])
    framework = make_framework()
    client = _client(member)
    mission_page = _text(client.get(reverse("mission-detail", kwargs={"pk": mission.pk})))
    assert "Resolution 2151 on security sector reform" in mission_page
    assert "Justice system" in mission_page
    assert "Created" in mission_page  # the history
    document_page = _text(client.get(reverse("document-detail", kwargs={"pk": document.pk})))
    assert "EULEX Kosovo" in document_page
    assert "S/RES/2151 (2014)" in document_page
    assert "Kosovo" in document_page
    assert "https://example.org/concept" in _text(client.get(reverse("framework-detail", kwargs={"pk": framework.pk})))


def test_a_hidden_record_is_not_found(
    make_document: Callable[..., ReferenceDocument], outsider: User, member: User
) -> None:
    hidden = make_document(confidentiality=Confidentiality.ORGANISATION)
    address = reverse("document-detail", kwargs={"pk": hidden.pk})
    assert _client(outsider).get(address).status_code == 404
    assert _client().get(address).status_code == 404
    assert _client(member).get(address).status_code == 200


def test_an_editor_creates_a_document_with_its_pdf_and_downloads_it(
    member: User, organisation: Organisation, outsider: User
) -> None:
    client = _client(member)
    assert client.get(reverse("document-create")).status_code == 200
    response = client.post(
        reverse("document-create"),
        {
            "type": "guidance",
            "title_en": "Handbook on oversight",
            "issued": "2007-04",
            "countries": ["CF", "CD"],
            "languages": ["en"],
            "owner": organisation.pk,
            "confidentiality": "partners",
            "file": SimpleUploadedFile("handbook.pdf", pdf_with_text("parliamentary oversight committees")),
        },
    )
    document = ReferenceDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("document-detail", kwargs={"pk": document.pk})
    assert (document.country, document.issued, document.title_fr) == ("", "2007-04", "Handbook on oversight")
    download = client.get(reverse("document-file", kwargs={"pk": document.pk}))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert _client().get(reverse("document-file", kwargs={"pk": document.pk})).status_code == 404
    found = _text(client.get(reverse("document-list"), {"q": "oversight committees"}))
    assert "Handbook on oversight" in found


def test_a_refused_upload_is_shown_on_the_form_and_nothing_is_written(member: User, organisation: Organisation) -> None:
    response = _client(member).post(
        reverse("document-create"),
        {
            "type": "guidance",
            "title_en": "Fake",
            "owner": organisation.pk,
            "confidentiality": "public",
            "file": SimpleUploadedFile("fake.pdf", NOT_A_PDF),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "fake.pdf: The file is not a PDF" in _text(response)
    assert not ReferenceDocument.objects.exists()


def test_forms_create_edit_and_delete_missions_and_frameworks(
    member: User, organisation: Organisation, make_document: Callable[..., ReferenceDocument]
) -> None:
    document = make_document()
    client = _client(member)
    response = client.post(
        reverse("mission-create"),
        {
            "kind": "un_peace_operation",
            "country": "HT",
            "name_en": "United Nations Stabilization Mission in Haiti",
            "acronym_en": "MINUSTAH",
            "start": "2004-06",
            "end": "2017-10",
            "lead_body": "United Nations",
            "areas": ["justice", "democratic_forces"],
            "documents": [document.pk],
            "owner": organisation.pk,
            "confidentiality": "public",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert "egide:changed" in response["HX-Trigger"]
    mission = Mission.objects.get()
    assert (mission.start, mission.end, mission.areas) == ("2004-06", "2017-10", ["democratic_forces", "justice"])
    edit = client.get(reverse("mission-edit", kwargs={"pk": mission.pk}), HTTP_HX_REQUEST="true")
    assert 'value="MINUSTAH"' in edit.content.decode()
    assert 'value="2004-06"' in edit.content.decode()
    refused = client.post(
        reverse("mission-edit", kwargs={"pk": mission.pk}),
        {
            "kind": "un_peace_operation",
            "country": "HT",
            "name_en": "X",
            "start": "2010",
            "end": "2001",
            "owner": organisation.pk,
            "confidentiality": "public",
        },
    )
    assert "The end comes before the start." in _text(refused)
    deleted = client.post(reverse("mission-delete", kwargs={"pk": mission.pk}), HTTP_HX_REQUEST="true")
    assert deleted.status_code == 204
    assert deleted["HX-Redirect"] == reverse("mission-list")
    assert not Mission.objects.exists()
    client.post(
        reverse("framework-create"),
        {
            "code": "NATO-SSR",
            "title_en": "NATO and SSR",
            "links": "https://example.org/a\nhttps://example.org/b",
            "owner": organisation.pk,
            "confidentiality": "public",
        },
    )
    assert Framework.objects.get().links == ["https://example.org/a", "https://example.org/b"]
    assert AuditEvent.objects.filter(action=Action.DELETE, content_type__model="mission").count() == 1


def test_readers_and_outsiders_may_not_use_the_forms(
    viewer: User, outsider: User, make_framework: Callable[..., Framework], organisation: Organisation
) -> None:
    framework = make_framework()
    assert _client(viewer).get(reverse("framework-create")).status_code == 403
    assert _client(outsider).get(reverse("framework-edit", kwargs={"pk": framework.pk})).status_code == 403
    assert _client(outsider).post(reverse("framework-delete", kwargs={"pk": framework.pk})).status_code == 403
    assert _client().get(reverse("framework-create")).status_code == 302  # to the log-in page
    # An outsider naming the owner's organisation for a new record is refused by the service, on the form.
    response = _client(outsider).post(
        reverse("framework-create"),
        {"code": "X", "title_en": "X", "owner": organisation.pk, "confidentiality": "public"},
    )
    assert response.status_code == 200
    assert not Framework.objects.filter(code="X").exists()
    assert Framework.objects.count() == 1


def test_the_latest_developments_overall_and_per_country(
    make_document: Callable[..., ReferenceDocument], make_mission: Callable[..., Mission]
) -> None:
    make_document(countries=["CF"], title_en="Open debate on SSR", type="debate")
    make_document(countries=["CD"], title_en="Congo statement", type="national_statement", symbol="")
    make_mission(country="CF", acronym_en="MINUSCA", start=None)
    make_mission(country="CD", acronym_en="EUPOL", end=None)
    overall = _text(_client().get(reverse("latest-developments")))
    assert "Open debate on SSR" in overall
    assert "Congo statement" in overall
    assert "Mission started" in overall
    central_africa = _client().get(reverse("country-latest-developments", kwargs={"code": "cf"}))
    text = _text(central_africa)
    assert "Open debate on SSR" in text
    assert "Congo statement" not in text
    assert "EUPOL" not in text
    assert 'href="/countries/CF/latest/rss/"' in central_africa.content.decode()
    assert _client().get(reverse("country-latest-developments", kwargs={"code": "ZZ"})).status_code == 404


def test_the_history_names_linked_documents_only_to_those_who_may_see_them(
    make_document: Callable[..., ReferenceDocument],
    make_mission: Callable[..., Mission],
    member: User,
    outsider: User,
) -> None:
    hidden = make_document(title_en="Internal assessment", symbol="", confidentiality=Confidentiality.ORGANISATION)
    shown = make_document()
    mission = make_mission(document_ids=[hidden.pk, shown.pk])
    address = reverse("mission-detail", kwargs={"pk": mission.pk})
    history = BeautifulSoup(_client(member).get(address).content, "html.parser").select_one("#history-section")
    assert history is not None
    assert "Internal assessment" in history.get_text()
    assert "S/RES/2151 (2014)" in history.get_text()
    history = BeautifulSoup(_client(outsider).get(address).content, "html.parser").select_one("#history-section")
    assert history is not None
    assert "Internal assessment" not in history.get_text()
    assert "a record you cannot see" in history.get_text()
    assert "S/RES/2151 (2014)" in history.get_text()
