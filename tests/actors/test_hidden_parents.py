"""A parent hidden from the reader is never named nor its id sent: pages say "a body you cannot see", the API and
the map give null, forms do not offer it, exports leave it out, and no edit by someone who cannot see it cuts it.

The leak of issue 7: a public child of a hidden actor named its parent on its page, and the API and the map gave
the parent's id.
"""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client
from openpyxl import load_workbook

from egide.accounts.models import Organisation
from egide.actors import exporter, selectors
from egide.actors.models import Actor
from tests.conftest import ActorFactory

SECRET = "Directorate of State Security"


@pytest.fixture
def family(make_actor: ActorFactory, organisation: Organisation, other_organisation: Organisation) -> dict[str, Actor]:
    """A directorate only its owner organisation sees, with a public unit under it that the other organisation
    owns (and so edits without seeing the directorate)."""
    directorate = make_actor(kind="civilian_intelligence", name=SECRET, reference="DSS", confidentiality="organisation")
    unit = make_actor(
        kind="civilian_intelligence",
        name="Border surveillance unit",
        reference="BSU",
        parent=directorate,
        owner=other_organisation,
        confidentiality="public",
    )
    return {"directorate": directorate, "unit": unit}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


READERS = ("anonymous", "outsider", "member")


def _reader(name: str, member: User, outsider: User) -> User | None:
    return {"anonymous": None, "outsider": outsider, "member": member}[name]


@pytest.mark.parametrize("reader", READERS)
def test_the_childs_page_names_its_parent_only_to_those_who_see_it(
    family: dict[str, Actor], member: User, outsider: User, reader: str
) -> None:
    unit, directorate = family["unit"], family["directorate"]
    html = _client(_reader(reader, member, outsider)).get(f"/actors/{unit.pk}/").content.decode()
    assert "Border surveillance unit" in html
    if reader == "member":
        assert SECRET in html
        assert f'href="/actors/{directorate.pk}/"' in html
    else:
        assert SECRET not in html
        assert f"/actors/{directorate.pk}/" not in html
        assert "a body you cannot see" in html


@pytest.mark.parametrize("reader", READERS)
def test_the_country_page_does_not_name_a_hidden_parent(
    family: dict[str, Actor], member: User, outsider: User, reader: str
) -> None:
    html = _client(_reader(reader, member, outsider)).get("/countries/CF/actors/").content.decode()
    assert "Border surveillance unit" in html
    assert (SECRET in html) is (reader == "member")
    assert (f"/actors/{family['directorate'].pk}/" in html) is (reader == "member")


@pytest.mark.parametrize("reader", READERS)
def test_the_api_and_the_map_send_no_hidden_parent_id(
    family: dict[str, Actor], member: User, outsider: User, reader: str
) -> None:
    unit, directorate = family["unit"], family["directorate"]
    expected = directorate.pk if reader == "member" else None
    client = _client(_reader(reader, member, outsider))
    assert client.get(f"/api/v1/actors/{unit.pk}").json()["parent"] == expected
    listed = {item["reference"]: item for item in client.get("/api/v1/countries/CF/actors").json()["items"]}
    assert listed["BSU"]["parent"] == expected
    nodes = {node["reference"]: node for node in client.get("/api/v1/countries/CF/map").json()["nodes"]}
    assert nodes["BSU"]["parent"] == expected


@pytest.mark.parametrize("reader", ["anonymous", "outsider"])
@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_exports_leave_a_hidden_parent_out(
    family: dict[str, Actor], member: User, outsider: User, reader: str, fmt: str
) -> None:
    user = _reader(reader, member, outsider) or AnonymousUser()
    content = exporter.export_map(user=user, country="CF", fmt=fmt)
    if fmt == "csv":
        text = "".join(zipfile.ZipFile(io.BytesIO(content)).read(name).decode() for name in ("actors.csv",))
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content))["actors"]
        text = "\n".join(",".join(str(cell.value or "") for cell in row) for row in sheet.iter_rows())
    else:
        text = content.decode()
    assert "BSU" in text
    assert "DSS" not in text
    assert SECRET not in text
    if fmt == "json":
        (unit,) = json.loads(text)["actors"]
        assert unit["parent"] == ""
    # The owner's member gets the parent.
    own = exporter.export_map(user=member, country="CF", fmt="json")
    units = {actor["reference"]: actor for actor in json.loads(own)["actors"]}
    assert units["BSU"]["parent"] == "DSS"


def test_the_edit_form_neither_offers_nor_cuts_a_hidden_parent(
    family: dict[str, Actor], outsider: User, other_organisation: Organisation
) -> None:
    unit, directorate = family["unit"], family["directorate"]
    client = _client(outsider)
    form = client.get(f"/actors/{unit.pk}/edit/").content.decode()
    assert 'name="parent"' in form
    assert SECRET not in form
    assert f'<option value="{directorate.pk}"' not in form
    response = client.post(
        f"/actors/{unit.pk}/edit/",
        {
            "name_en": "Border surveillance unit",
            "name_fr": "Unité de surveillance des frontières",
            "kind": unit.kind,
            "reference": unit.reference,
            "confidence": "medium",
            "owner": other_organisation.pk,
            "confidentiality": "public",
            "parent": "",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name_fr == "Unité de surveillance des frontières"
    assert unit.parent_id == directorate.pk
    # Nor does the API's "replace" or a PATCH of other fields, whose answer still gives null.
    answer = client.get(f"/api/v1/actors/{unit.pk}").json()
    answer["notes"] = "Created in 2019."
    put = {
        name: answer[name]
        for name in ("kind", "name_en", "name_fr", "reference", "parent", "notes", "confidence", "confidentiality")
    }
    response = client.put(f"/api/v1/actors/{unit.pk}", json.dumps(put), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["parent"] is None
    unit.refresh_from_db()
    assert (unit.notes, unit.parent_id) == ("Created in 2019.", directorate.pk)


def test_a_visible_parent_can_still_be_changed_and_cleared(
    family: dict[str, Actor], make_actor: ActorFactory, member: User
) -> None:
    unit, directorate = family["unit"], family["directorate"]
    client = _client(member)
    response = client.patch(
        f"/api/v1/actors/{directorate.pk}", json.dumps({"parent": None}), content_type="application/json"
    )
    assert response.status_code == 200
    ministry = make_actor(kind="ministry_of_interior", name="Ministry of the Interior", reference="MOI")
    response = client.patch(
        f"/api/v1/actors/{directorate.pk}", json.dumps({"parent": ministry.pk}), content_type="application/json"
    )
    assert response.json()["parent"] == ministry.pk
    assert selectors.actor_get(user=member, pk=unit.pk).parent_id == directorate.pk
