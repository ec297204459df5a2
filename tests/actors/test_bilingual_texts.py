"""Text that people write in two languages: legal mandates, legal bases, notes and cited passages have a French
field beside the English one, carried by the services, forms, files and the API, and shown in the reader's
language, or else in the other one marked as such."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from egide.actors import exporter, services
from egide.actors.data import ActorData, CitationData, RelationshipData, SourceCitation
from egide.actors.documents import tables_from_document
from egide.actors.importer import country_map_import
from egide.actors.models import Actor, Citation, Relationship
from egide.actors.tabular import read_tables
from egide.core.labels import in_reader_language
from egide.core.users import AnyUser
from tests.actors.html import element, elements, text_of
from tests.actors.pages import HTMX, army_form, relationship_form
from tests.conftest import ActorFactory, SmallMap

MANDATE_FR = "Défendre l'intégrité du territoire."
NOTES_FR = "Effectifs estimés\u00a0: 8\u00a0000."
LEGAL_BASIS_FR = "Loi n° 17.013, art. 4"
PASSAGE_FR = "Art. 12, al. 2"


def _french(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def _cite(record: Actor | Relationship, locator: str = "Art. 12, para. 2", locator_fr: str = PASSAGE_FR) -> None:
    services.source_cite(
        user=None,
        record=record,
        citation=SourceCitation(new=CitationData(title="Law on defence"), locator=locator, locator_fr=locator_fr),
    )


def test_the_reader_gets_their_language_or_the_other_one_marked() -> None:
    from django.utils import translation

    with translation.override("fr"):
        both = in_reader_language("Defend the territory.", MANDATE_FR)
        english_only = in_reader_language("Defend the territory.", "  ")
    with translation.override("en"):
        french_only = in_reader_language("", MANDATE_FR)
        neither = in_reader_language(" ", "")
    assert both is not None
    assert (both.text, both.language, both.other_language) == (MANDATE_FR, "fr", False)
    assert english_only is not None
    assert (english_only.language, english_only.other_language) == ("en", True)
    assert french_only is not None
    assert (french_only.text, french_only.other_language) == (MANDATE_FR, True)
    assert neither is None


def test_the_services_keep_the_french_texts(small_map: SmallMap) -> None:
    actor = services.actor_create(
        user=None,
        country="CF",
        data=ActorData(
            kind="gendarmerie",
            name_en="Gendarmerie",
            mandate_text="Policing rural areas.",
            mandate_text_fr=f"  {MANDATE_FR}\n",
            notes_fr=NOTES_FR,
            owner=small_map.army.owner,
        ),
    )
    relationship = services.relationship_create(
        user=None,
        data=RelationshipData(
            source=small_map.defence, target=actor, type="administers", legal_basis_fr=LEGAL_BASIS_FR, owner=actor.owner
        ),
    )
    _cite(actor)
    actor.refresh_from_db()
    relationship.refresh_from_db()
    assert (actor.mandate_text_fr, actor.notes_fr) == (MANDATE_FR, NOTES_FR)
    assert relationship.legal_basis_fr == LEGAL_BASIS_FR
    assert Citation.objects.get(actor=actor).locator_fr == PASSAGE_FR


def test_the_services_refuse_control_characters_in_french_lines(small_map: SmallMap) -> None:
    from django.core.exceptions import ValidationError

    data = RelationshipData(
        source=small_map.defence, target=small_map.police, type="administers", legal_basis_fr="Loi\x07", owner=None
    )
    with pytest.raises(ValidationError) as refused:
        services.relationship_create(user=None, data=data)
    assert "legal_basis_fr" in refused.value.message_dict


def test_the_forms_write_and_show_the_french_texts(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(small_map, mandate_text_fr=MANDATE_FR, notes_fr=NOTES_FR, version=small_map.army.version),
        **HTMX,
    )
    assert response.status_code == 204, response.content.decode()[:500]
    small_map.army.refresh_from_db()
    assert (small_map.army.mandate_text_fr, small_map.army.notes_fr) == (MANDATE_FR, NOTES_FR)
    html = member_client.get(reverse("actor-edit", kwargs={"pk": small_map.army.pk}), **HTMX).content.decode()
    assert element(html, "textarea[name=mandate_text_fr]").get_text().strip() == MANDATE_FR
    assert text_of(element(html, "label[for=id_mandate_text_fr]")) == "Legal mandate in French"

    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(
            small_map.interior,
            "oversees",
            small_map.army,
            legal_basis_fr=LEGAL_BASIS_FR,
            notes_fr=NOTES_FR,
            source_title="Decree on the armed forces",
            source_locator="Art. 12, para. 2",
            source_locator_fr=PASSAGE_FR,
        ),
        **HTMX,
    )
    assert response.status_code == 204, response.content.decode()[:500]
    relationship = Relationship.objects.get(source=small_map.interior, type="oversees")
    assert (relationship.legal_basis_fr, relationship.notes_fr) == (LEGAL_BASIS_FR, NOTES_FR)
    assert relationship.citations.get().locator_fr == PASSAGE_FR


@pytest.fixture
def written_in_french(small_map: SmallMap) -> SmallMap:
    Actor.objects.filter(pk=small_map.army.pk).update(
        mandate_text="Defend the territory.", mandate_text_fr=MANDATE_FR, notes_fr=NOTES_FR
    )
    Relationship.objects.filter(pk=small_map.commands.pk).update(legal_basis_fr=LEGAL_BASIS_FR)
    _cite(small_map.army)
    _cite(small_map.commands, locator="Art. 3", locator_fr="")
    return small_map


@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv"])
def test_export_and_import_carry_the_french_texts(fmt: str, written_in_french: SmallMap, staff: AnyUser) -> None:
    exported = exporter.export_map(user=staff, country="CF", fmt=fmt)
    if fmt == "json":
        document = json.loads(exported)
        army = next(item for item in document["actors"] if item["reference"] == "FACA")
        assert (army["mandate_text_fr"], army["notes_fr"]) == (MANDATE_FR, NOTES_FR)
        assert army["citations"][0]["locator_fr"] == PASSAGE_FR
        document["country"] = "CD"  # a map document is imported into its own country only
        tables = tables_from_document(document, filename="map.json")
    else:
        tables = read_tables(exported, filename=f"map.{'zip' if fmt == 'csv' else fmt}")
    # The same map read into another country: every French text arrives.
    report = country_map_import(user=None, country="CD", tables=tables)
    assert report.actors_created == 7
    army = Actor.objects.get(country="CD", reference="FACA")
    assert (army.mandate_text, army.mandate_text_fr, army.notes_fr) == ("Defend the territory.", MANDATE_FR, NOTES_FR)
    commands = Relationship.objects.get(country="CD", source__reference="PR", type="commands")
    assert commands.legal_basis_fr == LEGAL_BASIS_FR
    assert Citation.objects.get(actor=army).locator_fr == PASSAGE_FR
    assert Citation.objects.get(relationship=commands).locator == "Art. 3"


def test_the_template_has_the_french_columns() -> None:
    sheets = exporter.template_sheets()
    for table, french in (
        ("actors", {"mandate_text_fr", "notes_fr", "source_locator_fr"}),
        ("relationships", {"legal_basis_fr", "notes_fr", "source_locator_fr"}),
        ("citations", {"locator_fr"}),
    ):
        assert french <= set(sheets[table][0]), table


def test_the_api_reads_and_writes_the_french_texts(member_client: Client, written_in_french: SmallMap) -> None:
    army = member_client.get(f"/api/v1/actors/{written_in_french.army.pk}").json()
    assert (army["mandate_text_fr"], army["notes_fr"]) == (MANDATE_FR, NOTES_FR)
    assert army["citations"][0]["locator_fr"] == PASSAGE_FR
    created = member_client.post(
        "/api/v1/countries/CF/actors",
        {"kind": "customs", "name_en": "Customs", "mandate_text_fr": "Percevoir les droits de douane."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["mandate_text_fr"] == "Percevoir les droits de douane."
    changed = member_client.patch(
        f"/api/v1/relationships/{written_in_french.commands.pk}",
        {"notes_fr": "Commandement effectif.", "legal_basis_fr": "Constitution, art. 33"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["notes_fr"], changed.json()["legal_basis_fr"]) == (
        "Commandement effectif.",
        "Constitution, art. 33",
    )
    too_long = member_client.patch(
        f"/api/v1/relationships/{written_in_french.commands.pk}",
        {"legal_basis_fr": "x" * 501},
        content_type="application/json",
    )
    assert too_long.status_code == 422
    assert "legal_basis_fr" in too_long.content.decode()


def test_an_english_reader_sees_french_only_text_marked(member_client: Client, written_in_french: SmallMap) -> None:
    html = member_client.get(reverse("actor-detail", kwargs={"pk": written_in_french.army.pk})).content.decode()
    assert text_of(element(html, "dd.mandate")) == "Defend the territory."
    assert not elements(html, "dd.mandate .other-language")
    notes = element(html, "dd.notes")
    assert text_of(notes) == f"{' '.join(NOTES_FR.split())} (in French)"
    assert element(html, "dd.notes span[lang=fr]")


def test_a_french_reader_sees_french_text_and_english_only_text_marked(
    member_client: Client, written_in_french: SmallMap
) -> None:
    Actor.objects.filter(pk=written_in_french.army.pk).update(notes="About 8,000 staff.", notes_fr="")
    html = (
        _french(member_client).get(reverse("actor-detail", kwargs={"pk": written_in_french.army.pk})).content.decode()
    )
    assert text_of(element(html, "dd.mandate")) == MANDATE_FR
    assert not elements(html, "dd.mandate .other-language")
    assert text_of(element(html, "dd.notes")) == "About 8,000 staff. (en anglais)"
    assert PASSAGE_FR in [text_of(node) for node in elements(html, ".citations .passage")]

    presidency = (
        _french(member_client)
        .get(reverse("actor-detail", kwargs={"pk": written_in_french.presidency.pk}))
        .content.decode()
    )
    assert [text_of(cell) for cell in elements(presidency, "td.legal-basis")] == [LEGAL_BASIS_FR]


def test_a_cited_passage_written_in_english_only_is_marked_for_french_readers(
    member_client: Client, written_in_french: SmallMap, make_actor: ActorFactory
) -> None:
    html = (
        _french(member_client)
        .get(reverse("actor-detail", kwargs={"pk": written_in_french.presidency.pk}))
        .content.decode()
    )
    assert "Art. 3 (en anglais)" in [text_of(node) for node in elements(html, ".citations .passage")]
