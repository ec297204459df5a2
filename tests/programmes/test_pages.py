"""The programme pages: list, country tab, programme tabs, forms, delete; owner / member / outsider."""

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.programmes.models import Programme, ProgrammeDocument
from tests.conftest import SmallMap
from tests.programmes.conftest import ProgrammeFactory


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_shows_visible_programmes_with_filters(
    programme: Programme, make_programme: ProgrammeFactory, anonymous_client: Client
) -> None:
    make_programme(iati_identifier="FR-HIDDEN", title_en="Hidden work", confidentiality="organisation")
    make_programme(
        iati_identifier="FR-HT",
        title_en="Judges in Haiti",
        country="HT",
        countries=[],
        status="4",
        lifecycle_stage="closure",
        areas=["prisons"],
        sectors=[],
        planned_start=date(2011, 1, 1),
        planned_end=date(2014, 6, 30),
        participations=[],
    )
    page = anonymous_client.get(reverse("programme-list")).content.decode()
    assert "Support for the rule of law" in page
    assert "Judges in Haiti" in page
    assert "Hidden work" not in page
    for query, shown, hidden in (
        ("country=HT", "Judges in Haiti", "Support for the rule of law"),
        ("status=4", "Judges in Haiti", "Support for the rule of law"),
        ("area=justice", "Support for the rule of law", "Judges in Haiti"),
        ("sector=15130", "Support for the rule of law", "Judges in Haiti"),
        ("q=fr-ht", "Judges in Haiti", "Support for the rule of law"),
        ("year=2008", "Support for the rule of law", "Judges in Haiti"),
        (f"partner={programme.owner_id}&role=1", "Support for the rule of law", "Judges in Haiti"),
    ):
        page = anonymous_client.get(reverse("programme-list") + "?" + query).content.decode()
        assert shown in page, query
        assert hidden not in page, query


def test_list_sorts(make_programme: ProgrammeFactory, anonymous_client: Client) -> None:
    make_programme(iati_identifier="A", title_en="Alpha", planned_start=None, planned_end=None)
    make_programme(iati_identifier="B", title_en="Beta")
    page = anonymous_client.get(reverse("programme-list") + "?sort=-title").content.decode()
    assert page.index("Beta") < page.index("Alpha")
    page = anonymous_client.get(reverse("programme-list") + "?sort=title").content.decode()
    assert page.index("Alpha") < page.index("Beta")


def test_htmx_asks_for_the_table_only(programme: Programme, anonymous_client: Client) -> None:
    response = anonymous_client.get(
        reverse("programme-list"), headers={"HX-Request": "true", "HX-Target": "programmes-table"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="programmes-table"')
    assert "Support for the rule of law" in page


def test_country_tab_lists_the_countrys_programmes(
    programme: Programme, make_programme: ProgrammeFactory, anonymous_client: Client
) -> None:
    make_programme(iati_identifier="FR-HT", title_en="Judges in Haiti", country="HT", countries=[])
    page = anonymous_client.get(reverse("country-programmes", kwargs={"code": "cf"})).content.decode()
    assert "Support for the rule of law" in page
    assert "Judges in Haiti" not in page
    assert 'aria-current="page">Programmes' in page
    # The tab keeps the country's heading with its map's counts, as the map's own tabs do.
    assert 'id="country-counts"' in page
    assert anonymous_client.get(reverse("country-programmes", kwargs={"code": "QQ"})).status_code == 404


def test_programme_tabs(programme: Programme, anonymous_client: Client, member: User) -> None:
    overview = anonymous_client.get(reverse("programme-detail", kwargs={"pk": programme.pk})).content.decode()
    assert "Support for the rule of law" in overview
    assert "15210" in overview
    assert "Justice system" in overview
    actors = client_of(member).get(reverse("programme-actors", kwargs={"pk": programme.pk})).content.decode()
    assert "National Police" in actors
    assert "Training" in actors
    # A visitor reads the public programme, not the actors of the map that only partners may read.
    actors = anonymous_client.get(reverse("programme-actors", kwargs={"pk": programme.pk})).content.decode()
    assert "National Police" not in actors
    documents = anonymous_client.get(reverse("programme-documents", kwargs={"pk": programme.pk}))
    assert documents.status_code == 200
    history = anonymous_client.get(reverse("programme-history", kwargs={"pk": programme.pk})).content.decode()
    assert "Created" in history


def test_hidden_programme_is_not_found(make_programme: ProgrammeFactory, outsider: User) -> None:
    hidden = make_programme(confidentiality="organisation")
    client = client_of(outsider)
    for name in ("programme-detail", "programme-actors", "programme-documents", "programme-history", "programme-edit"):
        assert client.get(reverse(name, kwargs={"pk": hidden.pk})).status_code == 404, name


def test_actor_page_lists_the_programmes_supporting_it(
    programme: Programme, make_programme: ProgrammeFactory, small_map: SmallMap, outsider: User
) -> None:
    from egide.programmes.data import SupportData

    make_programme(
        iati_identifier="FR-SECRET",
        title_en="Secret support",
        confidentiality="organisation",
        supports=[SupportData(small_map.police)],
    )
    page = client_of(outsider).get(reverse("actor-detail", kwargs={"pk": small_map.police.pk})).content.decode()
    assert "Support for the rule of law" in page
    assert "Secret support" not in page


def form_post(programme_pk: int | None = None, **changes: str) -> dict[str, str]:
    data = {
        "country": "CF",
        "owner": "",
        "iati_identifier": "FR-FORM-1",
        "title_en": "Police training",
        "title_fr": "Formation de la police",
        "status": "2",
        "lifecycle_stage": "implementation",
        "default_currency": "EUR",
        "confidentiality": "public",
        "planned_start": "2020-01-01",
        "planned_end": "2022-12-31",
        "areas": "democratic_forces",
        "countries-TOTAL_FORMS": "1",
        "countries-INITIAL_FORMS": "0",
        "countries-0-country": "CF",
        "countries-0-percentage": "100",
        "participations-TOTAL_FORMS": "1",
        "participations-INITIAL_FORMS": "0",
        "participations-0-role": "4",
        "participations-0-name": "Expertise France",
        "sectors-TOTAL_FORMS": "1",
        "sectors-INITIAL_FORMS": "0",
        "sectors-0-code": "15132",
        "sectors-0-percentage": "",
        "supports-TOTAL_FORMS": "0",
        "supports-INITIAL_FORMS": "0",
        "locations-TOTAL_FORMS": "1",
        "locations-INITIAL_FORMS": "0",
        "locations-0-name": "Bangui",
        "locations-0-country": "CF",
    }
    data.update(changes)
    return data


def test_member_creates_a_programme_through_the_form(member: User, organisation: Organisation) -> None:
    client = client_of(member)
    assert client.get(reverse("programme-create") + "?country=CF").status_code == 200
    response = client.post(
        reverse("programme-create") + "?country=CF",
        form_post(owner=str(organisation.pk)),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204, response.content.decode()[:3000]
    programme = Programme.objects.get()
    assert response["HX-Redirect"] == reverse("programme-detail", kwargs={"pk": programme.pk})
    assert programme.participations.get().name == "Expertise France"
    assert list(programme.sectors.values_list("code", flat=True)) == ["15132"]
    assert programme.locations.get().name == "Bangui"


def test_form_shows_the_services_refusal(member: User, organisation: Organisation) -> None:
    response = client_of(member).post(
        reverse("programme-create"),
        form_post(owner=str(organisation.pk), **{"countries-0-percentage": "60"}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "The percentages add up to 60" in response.content.decode()
    assert not Programme.objects.exists()


def test_outsider_and_anonymous_may_not_edit(programme: Programme, outsider: User, anonymous_client: Client) -> None:
    assert client_of(outsider).get(reverse("programme-edit", kwargs={"pk": programme.pk})).status_code == 403
    assert client_of(outsider).post(reverse("programme-delete", kwargs={"pk": programme.pk})).status_code == 403
    assert anonymous_client.get(reverse("programme-edit", kwargs={"pk": programme.pk})).status_code == 302
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_owner_edits_with_the_version(programme: Programme, owner: User, organisation: Organisation) -> None:
    client = client_of(owner)
    page = client.get(reverse("programme-edit", kwargs={"pk": programme.pk})).content.decode()
    assert 'value="FR-TEST-1"' in page
    data = form_post(owner=str(organisation.pk), version="1", iati_identifier="FR-TEST-1", title_en="Renamed")
    response = client.post(reverse("programme-edit", kwargs={"pk": programme.pk}), data)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title_en == "Renamed"
    assert programme.version == 2
    stale = client.post(reverse("programme-edit", kwargs={"pk": programme.pk}), data | {"title_en": "Again"})
    assert "Someone else saved this programme" in stale.content.decode()
    programme.refresh_from_db()
    assert programme.title_en == "Renamed"


def test_member_deletes(programme: Programme, member: User) -> None:
    response = client_of(member).post(
        reverse("programme-delete", kwargs={"pk": programme.pk}), {"version": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("programme-list")
    assert not Programme.objects.exists()


def test_documents_tab_adds_serves_and_removes(programme: Programme, member: User, outsider: User) -> None:
    client = client_of(member)
    response = client.post(
        reverse("programme-documents", kwargs={"pk": programme.pk}),
        {
            "title_en": "Terms of reference",
            "category": "A02",
            "language": "fr",
            "file": SimpleUploadedFile("terms.pdf", b"%PDF-1.4 terms"),
        },
    )
    assert response.status_code == 302
    document = ProgrammeDocument.objects.get()
    page = client.get(reverse("programme-documents", kwargs={"pk": programme.pk})).content.decode()
    assert "Terms of reference" in page
    served = client.get(reverse("programme-document-file", kwargs={"pk": document.pk}))
    assert b"".join(served.streaming_content) == b"%PDF-1.4 terms"
    refused = client.post(
        reverse("programme-documents", kwargs={"pk": programme.pk}),
        {"title_en": "Program", "category": "A02", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert "Upload a document of one of these types" in refused.content.decode()
    assert (
        client_of(outsider)
        .post(
            reverse("programme-documents", kwargs={"pk": programme.pk}), {"title_en": "X", "url": "https://a.example"}
        )
        .status_code
        == 403
    )
    assert client_of(outsider).post(reverse("programme-document-delete", kwargs={"pk": document.pk})).status_code == 403
    assert client.post(reverse("programme-document-delete", kwargs={"pk": document.pk})).status_code == 302
    assert not ProgrammeDocument.objects.exists()


def test_hidden_document_file_is_not_found(make_programme: ProgrammeFactory, outsider: User, member: User) -> None:
    from egide.programmes import services
    from egide.programmes.data import DocumentData

    hidden = make_programme(confidentiality="organisation")
    document = services.programme_document_add(
        user=member, programme=hidden, data=DocumentData("Secret"), upload=SimpleUploadedFile("a.pdf", b"%PDF")
    )
    assert client_of(outsider).get(reverse("programme-document-file", kwargs={"pk": document.pk})).status_code == 404


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_answer_in_both_languages(programme: Programme, anonymous_client: Client, language: str) -> None:
    anonymous_client.cookies["django_language"] = language
    page = anonymous_client.get(reverse("programme-detail", kwargs={"pk": programme.pk})).content.decode()
    assert re.search(r'<html lang="' + language, page)


def test_admin_lists_and_opens_programmes(programme: Programme, verified_superuser_client: Client) -> None:
    assert verified_superuser_client.get(reverse("admin:programmes_programme_changelist")).status_code == 200
    page = verified_superuser_client.get(reverse("admin:programmes_programme_change", args=[programme.pk]))
    assert page.status_code == 200
    assert "FR-TEST-1" in page.content.decode()


def test_other_apps_add_their_section_to_the_documents_tab(
    programme: Programme, anonymous_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils.html import format_html

    from egide.programmes import views

    def section(request: object, shown: Programme) -> Any:
        return format_html("<section id='reference-documents'>{}</section>", f"References of {shown.iati_identifier}")

    monkeypatch.setattr(views, "DOCUMENT_SECTIONS", [section])
    page = anonymous_client.get(reverse("programme-documents", kwargs={"pk": programme.pk})).content.decode()
    assert "<section id='reference-documents'>References of FR-TEST-1</section>" in page


def test_history_reads_in_the_readers_language(programme: Programme, member: User, organisation: Organisation) -> None:
    from egide.programmes import services
    from tests.programmes.conftest import programme_data

    services.programme_update(
        user=member,
        programme=programme,
        data=programme_data(organisation, status="4", lifecycle_stage="closure", areas=["justice", "prisons"]),
    )
    client = client_of(member)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("programme-history", kwargs={"pk": programme.pk})).content.decode()
    assert "Clos" in page
    assert "Clôture" in page
    assert "Système pénitentiaire démilitarisé sous contrôle civil" in page
    assert "Bailleurs" in page
    assert "Closed" not in page


def test_choosing_the_lead_country_offers_its_actors_without_checking(
    member: User, organisation: Organisation, small_map: SmallMap, make_actor: Any
) -> None:
    congolese = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    client = client_of(member)
    page = client.get(reverse("programme-create") + "?country=CF").content.decode()
    assert "hx-vals" in page
    assert "Police nationale congolaise" not in page
    refreshed = client.post(
        reverse("programme-create") + "?country=CF",
        form_post(owner=str(organisation.pk), country="CD", title_en="", refresh="1"),
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f'value="{congolese.pk}"' in refreshed
    assert "This field is required" not in refreshed
    assert not Programme.objects.exists()
