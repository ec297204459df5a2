"""Column mapping on the import page: a spreadsheet whose headers differ is imported once the user says what each
header holds, and the organisation's next file with the same headers is read the same way."""

from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.actors.models import Actor
from egide.audit.models import AuditEvent
from egide.imports.models import ColumnMapping, ImportJob, ImportStatus
from tests.actors.html import element, elements, table_rows, text_of

# A secretariat's own spreadsheet: its French headers name no column of the map.
THEIR_ACTORS = (
    "reference,kind,nom,couleur\nMOD,ministry_of_defence,Ministère de la Défense,rouge\n"
    "POL,police,Police nationale,bleu\n"
).encode()


def _upload(client: Client, content: bytes = THEIR_ACTORS, name: str = "acteurs.csv") -> HttpResponse:
    return client.post(reverse("country-import", kwargs={"code": "CD"}), {"file": SimpleUploadedFile(name, content)})


def _choices(response: HttpResponse) -> dict[str, str]:
    """The mapping form's select names by the header they map."""
    html = response.content.decode()
    return {
        text_of(row.select_one("th")): row.select_one("select")["name"]  # type: ignore[index,union-attr]
        for row in elements(html, "#column-mapping tbody tr")
    }


def _map(client: Client, response: HttpResponse, answers: dict[str, str]) -> HttpResponse:
    pending = element(response.content.decode(), "#column-mapping-form input[name=pending]")["value"]
    names = _choices(response)
    return client.post(
        reverse("country-import", kwargs={"code": "CD"}),
        {"pending": pending, **{names[header]: column for header, column in answers.items()}},
    )


def test_unknown_headers_are_offered_for_mapping_and_the_file_waits(member_client: Client, member: User) -> None:
    response = _upload(member_client)
    rows = table_rows(response.content.decode(), "column-mapping")
    assert [row[:2] for row in rows] == [["actors", "nom"], ["actors", "couleur"]]
    options = [
        option["value"] for option in elements(response.content.decode(), "#column-mapping select")[0].select("option")
    ]
    # The columns already in the header are not offered again; leaving the column out is.
    assert options[0] == ""
    assert "name_en" in options
    assert "reference" not in options
    assert "kind" not in options
    job = ImportJob.objects.get()
    assert (job.status, job.user, job.filename) == (ImportStatus.MAPPING, member, "acteurs.csv")
    assert not Actor.objects.exists()


def test_the_mapping_imports_the_file_and_is_remembered(
    member_client: Client, organisation: Organisation, member: User
) -> None:
    response = _map(member_client, _upload(member_client), {"nom": "name_fr", "couleur": ""})
    assert table_rows(response.content.decode(), "import-report")[0] == ["Actors", "2", "0", "0"]
    assert Actor.objects.get(reference="MOD").name_fr == "Ministère de la Défense"
    assert set(ColumnMapping.objects.values_list("organisation", "table", "header", "column")) == {
        (organisation.pk, "actors", "nom", "name_fr"),
        (organisation.pk, "actors", "couleur", ""),
    }
    events = AuditEvent.objects.filter(content_type__model="columnmapping")
    assert events.count() == 2
    assert {event.user for event in events} == {member}
    assert not ImportJob.objects.exists()  # the file kept for the mapping is forgotten

    # The next file with the same headers is imported at once.
    again = _upload(member_client, THEIR_ACTORS.replace(b"Police nationale", b"Police nationale congolaise"))
    assert elements(again.content.decode(), "#column-mapping") == []
    assert table_rows(again.content.decode(), "import-report")[0] == ["Actors", "0", "1", "1"]
    assert Actor.objects.get(reference="POL").name_fr == "Police nationale congolaise"


def test_a_column_chosen_twice_is_refused_and_nothing_is_written(member_client: Client) -> None:
    response = _map(member_client, _upload(member_client), {"nom": "name_fr", "couleur": "name_fr"})
    html = response.content.decode()
    assert [text_of(error) for error in elements(html, "#column-mapping small.error")] == [
        "“name_fr” is already chosen for the header “nom”."
    ]
    assert not Actor.objects.exists()
    assert not ColumnMapping.objects.exists()
    assert ImportJob.objects.filter(status=ImportStatus.MAPPING).count() == 1


def test_a_mapping_belongs_to_its_organisation(member_client: Client, outsider: User) -> None:
    _map(member_client, _upload(member_client), {"nom": "name_fr", "couleur": ""})
    other = Client()
    other.force_login(outsider)
    response = _upload(other)
    assert [row[1] for row in table_rows(response.content.decode(), "column-mapping")] == ["nom", "couleur"]


def test_another_users_waiting_file_cannot_be_imported(member_client: Client, outsider: User) -> None:
    waiting = _upload(member_client)
    other = Client()
    other.force_login(outsider)
    pending = element(waiting.content.decode(), "#column-mapping-form input[name=pending]")["value"]
    response = other.post(reverse("country-import", kwargs={"code": "CD"}), {"pending": pending})
    assert text_of(element(response.content.decode(), "#import-file-error")) == (
        "This file is no longer waiting for its columns; upload it again."
    )
    assert not Actor.objects.exists()
    assert ImportJob.objects.filter(status=ImportStatus.MAPPING).count() == 1


def test_a_workbook_names_the_unknown_headers_of_every_sheet_at_once(member_client: Client) -> None:
    from egide.actors.tabular import write_xlsx

    workbook = write_xlsx(
        {
            "actors": (("reference", "kind", "nom"), [("MOD", "ministry_of_defence", "Défense")]),
            "relationships": (("from", "type", "to", "début"), []),
        }
    )
    response = _upload(member_client, workbook, "carte.xlsx")
    rows = table_rows(response.content.decode(), "column-mapping")
    assert [row[:2] for row in rows] == [["actors", "nom"], ["relationships", "début"]]


def test_a_large_file_with_unknown_headers_waits_on_its_page_then_goes_back_to_the_worker(
    member_client: Client, settings: LazySettings, organisation: Organisation
) -> None:
    settings.EGIDE_IMPORT_INLINE_MAX_BYTES = 50  # the tests' tasks run at once (tests/actors/conftest.py)
    started = _upload(member_client)
    job = ImportJob.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse("import-job", kwargs={"pk": job.pk})
    assert job.status == ImportStatus.MAPPING
    assert bytes(job.data) == THEIR_ACTORS
    page = member_client.get(started["Location"]).content.decode()
    link = element(page, "#import-job-mapping")["href"]
    assert link == f"{reverse('country-import', kwargs={'code': 'CD'})}?pending={job.pk}"
    asked = member_client.get(str(link))
    assert [row[1] for row in table_rows(asked.content.decode(), "column-mapping")] == ["nom", "couleur"]
    answered = _map(member_client, asked, {"nom": "name_fr", "couleur": ""})
    assert answered.status_code == 302
    assert answered["Location"] == started["Location"]
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.report["actors_created"] == 2
    assert Actor.objects.get(reference="POL").name_fr == "Police nationale"
    assert ColumnMapping.objects.filter(organisation=organisation, header="nom", column="name_fr").exists()
