"""Gaps from weak assessment sections on the Coordination tab, its print view and its spreadsheet, as owner, member
and outsider read them."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments.models import Assessment
from egide.programmes.models import Participation, Programme, ProgrammeArea
from tests.conftest import SmallMap
from tests.coordination.helpers import published_assessment


@pytest.fixture
def weak_review(small_map: SmallMap, organisation: Organisation) -> Assessment:
    """Justice scores 0 (band C of A, B, C), oversight 100 (band A); the scope is the police."""
    return published_assessment(
        country="CF",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
        # J1 concerns courts, outside a scope of the police: J2 (for every actor) makes justice's score.
        answers={"J2": 0, "O1": 3},
        actors=(small_map.police,),
    )


def _get(user: User | None, query: str = "below=B", path: str = "", language: str = "en") -> bytes:
    client = Client(headers={"accept-language": language})
    if user is not None:
        client.force_login(user)
    response = client.get(f"/countries/CF/coordination/{path}?year=2025&{query}")
    assert response.status_code == 200
    return response.getvalue() if path else response.content


def _section_rows(user: User | None, query: str = "below=B") -> list[BeautifulSoup]:
    page = BeautifulSoup(_get(user, query), "html.parser")
    return page.select("#coordination-gaps tr.gap-section")


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees"), [("owner", True), ("member", True), ("outsider", False)])
def test_a_weak_section_is_a_gap_for_those_who_may_see_its_assessment(
    who: str, sees: bool, request: pytest.FixtureRequest, weak_review: Assessment, small_map: SmallMap
) -> None:
    rows = _section_rows(request.getfixturevalue(who))
    if not sees:
        assert rows == []
        return
    [row] = rows
    text = " ".join(row.get_text(" ").split())
    assert "Justice" in text
    assert "band C" in text
    assert "Justice system" in text  # the area nobody supports
    assert "no programme" in text
    assert "National Police" in text  # the scope's actor nobody supports
    links = [link["href"] for link in row.select("a")]
    assert f"/assessments/{weak_review.pk}/#section-justice" in links
    assert f"/actors/{small_map.police.pk}/" in links
    assert "/countries/CF/" in links  # the map


@pytest.mark.django_db
def test_the_threshold_is_chosen_on_the_page_and_kept_in_the_address(member: User, weak_review: Assessment) -> None:
    # C is the small framework's last band: nothing is below it (the default).
    assert _section_rows(member, query="") == []
    assert len(_section_rows(member, query="below=B")) == 1
    # Below A: oversight (band A) still is not; justice is.
    assert len(_section_rows(member, query="below=A")) == 1
    # An unknown band falls back to the default rather than failing.
    assert _section_rows(member, query="below=%00zz") == []
    page = BeautifulSoup(_get(member, "below=B"), "html.parser")
    assert page.select_one("#below option[selected]")["value"] == "B"
    assert "below=B" in page.select_one("#coordination-export")["href"]


@pytest.mark.django_db
def test_a_programme_in_the_area_removes_the_area_gap(
    member: User, weak_review: Assessment, organisation: Organisation, small_map: SmallMap
) -> None:
    programme = Programme.objects.create(
        country="CF",
        iati_identifier="XM-TEST-JUSTICE",
        title_en="Justice support",
        status="2",
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        owner=organisation,
        confidentiality=Confidentiality.PUBLIC,
    )
    Participation.objects.create(programme=programme, role="1", name="France")
    ProgrammeArea.objects.create(programme=programme, area="justice")
    [row] = _section_rows(member)
    text = " ".join(row.get_text(" ").split())
    assert "no programme" not in text
    assert "National Police" in text


@pytest.mark.django_db
def test_only_the_latest_published_assessment_counts(
    member: User, weak_review: Assessment, organisation: Organisation
) -> None:
    published_assessment(
        country="CF",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
        answers={"J1": 3, "O1": 3},
        as_of=datetime.date(2025, 3, 1),
        title="Second review",
    )
    assert _section_rows(member) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees"), [("member", True), ("outsider", False)])
def test_the_spreadsheet_has_a_sheet_of_weak_sections(
    who: str, sees: bool, request: pytest.FixtureRequest, weak_review: Assessment
) -> None:
    content = _get(request.getfixturevalue(who), path="export.xlsx", language="fr")
    workbook = load_workbook(io.BytesIO(content))
    rows = list(workbook["Sections faibles"].iter_rows(values_only=True))
    assert rows[0][0] == "Évaluation"
    if sees:
        assert [row[0] for row in rows[1:]] == ["Baseline review"]
        assert rows[1][3] == "Justice"
        assert rows[1][4] == "C · Faible"
        assert rows[1][6] == "National Police"
    else:
        assert rows[1:] == []


@pytest.mark.django_db
def test_the_gaps_in_french(member: User, weak_review: Assessment) -> None:
    page = BeautifulSoup(_get(member, language="fr"), "html.parser")
    text = " ".join(page.select_one("#coordination-gaps").get_text(" ").split())
    assert "classe C" in text
    assert "Système judiciaire" in text
    assert page.select_one("label[for=below]").get_text().startswith("Lacunes")
