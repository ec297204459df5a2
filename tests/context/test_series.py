"""An organisation's own series: the CSV read, the service (who may, replacing a series), and the upload page."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation
from egide.context.models import Indicator, Observation
from egide.context.series_file import SeriesRow, series_read
from egide.context.services import SeriesData, series_upload
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected

DATA = SeriesData("Complaints against the police", "Plaintes contre la police", False, 0, None, "organisation")


def test_the_file_takes_alpha2_and_alpha3_codes() -> None:
    rows = series_read(b"country,year,value\nCF,2022,412\nTCD,2022,97.5\n", filename="s.csv")
    assert rows == [SeriesRow("CF", 2022, 412.0), SeriesRow("TD", 2022, 97.5)]


def test_each_faulty_cell_is_named() -> None:
    text = b"Country,Year,Value\nZZ,2022,1\nCF,twenty,2\nCF,2021,many\nCF,2020,\n"
    with pytest.raises(ImportRejected) as raised:
        series_read(text, filename="s.csv")
    found = [(p.row, p.column) for p in raised.value.problems]
    assert found == [(2, "country"), (3, "year"), (4, "value"), (5, "value")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"country,value\nCF,1\n", "lacks the column(s) year"),
        (b"country,year,value\n", "no rows"),
        (b"\xff\xfe", "not UTF-8"),
        (b"x" * (5 * 2**20 + 1), "larger than 5 MB"),
    ],
)
def test_files_that_cannot_be_read(data: bytes, message: str) -> None:
    with pytest.raises(FileRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        series_read(data, filename="s.csv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"), [("owner", True), ("member", True), ("viewer", False), ("outsider", False)]
)
def test_who_may_add_a_series(
    who: str, allowed: bool, request: pytest.FixtureRequest, organisation: Organisation
) -> None:
    user = request.getfixturevalue(who)
    rows = [SeriesRow("CF", 2022, 412.0)]
    if allowed:
        uploaded = series_upload(user=user, organisation=organisation, data=DATA, rows=rows)
        assert uploaded.indicator.owner == organisation
        assert uploaded.indicator.confidentiality == Confidentiality.ORGANISATION
        assert uploaded.created == 1
    else:
        with pytest.raises(PermissionDenied):
            series_upload(user=user, organisation=organisation, data=DATA, rows=rows)
        assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_uploading_again_replaces_the_series(member: User, organisation: Organisation) -> None:
    first = series_upload(
        user=member,
        organisation=organisation,
        data=DATA,
        rows=[SeriesRow("CF", 2021, 400.0), SeriesRow("CF", 2022, 412.0), SeriesRow("TD", 2022, 90.0)],
    )
    again = series_upload(
        user=member,
        organisation=organisation,
        data=DATA,
        rows=[SeriesRow("CF", 2022, 415.0), SeriesRow("TD", 2022, 90.0), SeriesRow("CF", 2023, 420.0)],
    )
    assert again.indicator.pk == first.indicator.pk
    assert (again.created, again.updated, again.deleted, again.unchanged) == (1, 1, 1, 1)
    stored = {(o.country, o.year): o.value for o in Observation.objects.filter(indicator=first.indicator)}
    assert stored == {("CF", 2022): 415.0, ("TD", 2022): 90.0, ("CF", 2023): 420.0}


@pytest.mark.django_db
def test_values_outside_the_scale_are_refused(member: User, organisation: Organisation) -> None:
    with pytest.raises(ImportRejected) as raised:
        series_upload(user=member, organisation=organisation, data=DATA, rows=[SeriesRow("CF", 2022, -3.0)])
    assert raised.value.problems[0].column == "value"
    assert not Indicator.objects.exists()


def _post(client: Client, organisation: Organisation, content: bytes) -> bytes:
    response = client.post(
        "/context/series/new/",
        {
            "organisation": organisation.pk,
            "name_en": "Complaints against the police",
            "name_fr": "Plaintes contre la police",
            "higher_is_better": "false",
            "minimum": "0",
            "maximum": "",
            "confidentiality": "organisation",
            "file": SimpleUploadedFile("series.csv", content, content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
def test_the_upload_page(member: User, organisation: Organisation) -> None:
    client = Client()
    client.force_login(member)
    assert client.get("/context/series/new/").status_code == 200
    page = _post(client, organisation, b"country,year,value\nCF,2022,412\n")
    assert b"Saved: 1 values added" in page
    assert Observation.objects.get(indicator__owner=organisation).value == 412.0
    page = _post(client, organisation, b"country,year,value\nCF,2022,lots\n")
    assert b"1 problem; nothing was loaded." in page
    assert b"not a number" in page
    assert client.get("/context/").content.count(b"Add a series of your organisation") == 1


@pytest.mark.django_db
def test_the_upload_page_refuses_who_may_not(viewer: User, outsider: User, organisation: Organisation) -> None:
    client = Client()
    client.force_login(viewer)
    assert client.get("/context/series/new/").status_code == 403
    client.force_login(outsider)
    # The outsider edits for their own organisation: the form offers it, not the other one.
    _post(client, organisation, b"country,year,value\nCF,2022,412\n")
    assert not Indicator.objects.filter(owner=organisation).exists()
    assert Client().get("/context/series/new/").status_code == 302
