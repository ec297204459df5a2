"""The country timeline's missions and key documents, read from the references app under its visibility rule."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.programmes.timeline import DOCUMENT, MISSION
from egide.programmes.timeline_selectors import TimelineFilters, country_timeline
from egide.references.models import Mission, ReferenceDocument, ReferenceDocumentCountry

Y = datetime.date


@pytest.fixture
def references(organisation: Organisation, other_organisation: Organisation) -> dict[str, object]:
    eulex = Mission.objects.create(
        owner=organisation,
        confidentiality=Confidentiality.PUBLIC,
        country="XK",
        kind="eu_csdp_civilian",
        name_en="EU Rule of Law Mission in Kosovo",
        name_fr="Mission État de droit de l’Union européenne au Kosovo",
        acronym_en="EULEX",
        acronym_fr="EULEX",
        start_date=Y(2008, 4, 1),
        lead_organisation=other_organisation,
    )
    unmik = Mission.objects.create(
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
        country="XK",
        kind="un_peace_operation",
        name_en="UN Interim Administration Mission in Kosovo",
        name_fr="Mission d’administration intérimaire des Nations unies au Kosovo",
        acronym_en="UNMIK",
        acronym_fr="MINUK",
        start_date=Y(1999, 6, 10),
        end_date=Y(2008, 12, 9),
    )
    resolution = ReferenceDocument.objects.create(
        owner=organisation,
        confidentiality=Confidentiality.PUBLIC,
        type="resolution",
        title_en="Resolution 1244",
        title_fr="Résolution 1244",
        symbol="S/RES/1244 (1999)",
        issued_date=Y(1999, 6, 10),
    )
    ReferenceDocumentCountry.objects.create(document=resolution, country="XK")
    elsewhere = ReferenceDocument.objects.create(
        owner=organisation,
        confidentiality=Confidentiality.PUBLIC,
        type="resolution",
        title_en="Resolution 2151",
        title_fr="Résolution 2151",
        issued_date=Y(2014, 4, 28),
    )
    return {"eulex": eulex, "unmik": unmik, "resolution": resolution, "elsewhere": elsewhere}


def labels(user: object, **filters: object) -> set[str]:
    timeline = country_timeline(user=user, country="XK", filters=TimelineFilters(**filters))  # type: ignore[arg-type]
    return {row.item.detail for row in timeline.rows}


def test_missions_and_documents_follow_their_visibility_rule(
    references: dict[str, object], member: object, outsider: object
) -> None:
    assert labels(member) == {"EULEX", "UNMIK", "S/RES/1244 (1999)"}
    assert labels(outsider) == {"EULEX", "S/RES/1244 (1999)"}


def test_a_mission_is_a_bar_open_while_it_lasts_and_a_document_a_point(
    references: dict[str, object], member: object
) -> None:
    timeline = country_timeline(user=member, country="XK", filters=TimelineFilters())  # type: ignore[arg-type]
    rows = {row.item.detail: row for row in timeline.rows}

    assert [row.item.kind for row in timeline.rows] == [MISSION, MISSION, DOCUMENT]
    assert rows["EULEX"].bars[0].open is True
    assert (rows["UNMIK"].bars[0].start, rows["UNMIK"].bars[0].end) == (Y(1999, 6, 10), Y(2008, 12, 9))
    assert rows["S/RES/1244 (1999)"].item.day == Y(1999, 6, 10)
    assert rows["EULEX"].item.status_label == "EU CSDP civilian mission"
    assert rows["EULEX"].item.link == reverse("mission-detail", args=[references["eulex"].pk])  # type: ignore[attr-defined]
    assert timeline.totals == {"programme": 0, "mission": 2, "document": 1}


def test_partner_and_years_narrow_missions_and_documents(
    references: dict[str, object], member: object, other_organisation: Organisation
) -> None:
    assert labels(member, partner=other_organisation.pk) == {"EULEX", "S/RES/1244 (1999)"}
    assert labels(member, first_year=2009) == {"EULEX"}
    assert labels(member, last_year=2000) == {"UNMIK", "S/RES/1244 (1999)"}
    assert labels(member, kinds=frozenset({DOCUMENT})) == {"S/RES/1244 (1999)"}


def test_the_page_lists_missions_and_documents(references: dict[str, object], member: object) -> None:
    client = Client()
    client.force_login(member)  # type: ignore[arg-type]

    page = client.get(reverse("country-timeline", args=["XK"])).content.decode()

    assert "EU Rule of Law Mission in Kosovo" in page
    assert "Resolution 1244" in page
    assert "10 June 1999" in page


@pytest.mark.parametrize("name", ["country-timeline", "country-timeline-data"])
def test_the_number_of_queries_does_not_grow_with_missions_and_documents(
    name: str, organisation: Organisation, other_organisation: Organisation, member: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(member)  # type: ignore[arg-type]
    address = reverse(name, args=["XK"])

    def add(number: int) -> None:
        for index in range(number):
            Mission.objects.create(
                owner=organisation,
                country="XK",
                kind="bilateral",
                name_en=f"Mission {index}",
                name_fr=f"Mission {index}",
                start_date=Y(2000 + index % 20, 1, 1),
                lead_organisation=other_organisation,
            )
            document = ReferenceDocument.objects.create(
                owner=organisation,
                type="national_statement",
                title_en=f"Statement {index}",
                title_fr=f"Déclaration {index}",
                issued_date=Y(2000 + index % 20, 6, 1),
            )
            ReferenceDocumentCountry.objects.create(document=document, country="XK")

    add(2)
    client.get(address)
    with CaptureQueriesContext(connection) as small:
        assert client.get(address).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(address)

    assert response.status_code == 200
    assert len(large) == len(small)
