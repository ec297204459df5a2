"""The Coordination tab makes as many SQL queries for 40 programmes of 20 partners as for 4 programmes of 2: every
kind of row the tab reads (own and IATI programmes, partners that are organisations or names, areas, supported
actors, transactions, shares of restricted programmes) grows between the two counts."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egide.accounts.models import Confidentiality, Organisation, OrganisationType, Share
from egide.coordination import selectors
from egide.iati.models import ImportedActivity
from egide.money import sums
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Participation, Programme, ProgrammeArea, SupportedActor
from tests.conftest import SmallMap

AREAS = ("justice", "civilian_oversight", "borders", "prisons")
YEAR = 2025


class Growing:
    """Programmes of CF that meet the year, each with its own partners, areas, actors and money."""

    def __init__(self, small_map: SmallMap, organisation: Organisation, other: Organisation) -> None:
        self.actors = [small_map.army, small_map.police, small_map.parliament, small_map.interior]
        self.organisation, self.other = organisation, other
        self.size = 0
        ExchangeRate.objects.create(
            currency="EUR", period="year", starts_on=datetime.date(YEAR, 1, 1), rate=Decimal("0.9")
        )

    def grow(self, count: int) -> None:
        made = []
        for _ in range(count):
            self.size += 1
            number = self.size
            level = (Confidentiality.PUBLIC, Confidentiality.ORGANISATION, Confidentiality.RESTRICTED)[number % 3]
            programme = Programme.objects.create(
                country="CF",
                iati_identifier=f"XM-COUNT-{number}",
                title_en=f"Programme {number}",
                status="2",
                planned_start=datetime.date(YEAR - 1, 1, 1),
                planned_end=datetime.date(YEAR + 1, 12, 31),
                owner=self.other if level == Confidentiality.RESTRICTED else self.organisation,
                confidentiality=level,
            )
            partner = Organisation.objects.create(
                name_en=f"Partner {number}", acronym=f"P{number}", type=OrganisationType.MINISTRY
            )
            Participation.objects.create(programme=programme, role="1", organisation=partner)
            Participation.objects.create(programme=programme, role="4", name=f"Implementer {number}")
            for area in (AREAS[number % 4], AREAS[(number + 1) % 4]):
                ProgrammeArea.objects.create(programme=programme, area=area)
            for actor in (self.actors[number % 4], self.actors[(number + 2) % 4]):
                SupportedActor.objects.create(programme=programme, actor=actor)
            for kind, currency in (("2", "USD"), ("3", "EUR"), ("4", "XOF")):  # XOF: no rate, counted in a note
                day = datetime.date(YEAR, 1 + number % 12, 10)
                Transaction.objects.create(
                    programme=programme, type=kind, date=day, value_date=day, value=Decimal("1000"), currency=currency
                )
            if number % 2:
                ImportedActivity.objects.create(
                    programme=programme, source_file="file.xml", imported_at=timezone.now(), checksum=str(number)
                )
            if level == Confidentiality.RESTRICTED:
                Share.objects.create(
                    content_type=ContentType.objects.get_for_model(Programme),
                    object_id=programme.pk,
                    organisation=self.organisation,
                    country="CF",
                )
            made.append(programme.pk)
        sums.sums_of_programmes_rebuild(made)


@pytest.fixture
def growing(small_map: SmallMap, organisation: Organisation, other_organisation: Organisation) -> Growing:
    return Growing(small_map, organisation, other_organisation)


def _queries(client: Client, path: str) -> tuple[int, bytes]:
    client.get(path)  # a first visit warms what is cached once per process or session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries), content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "&by=actor", "&origin=iati", "&origin=own"], ids=["by area", "by actor", "iati", "own"]
)
def test_the_tab_makes_as_many_queries_whatever_the_programmes_and_partners(
    growing: Growing, member: User, query: str
) -> None:
    client = Client()
    client.force_login(member)
    path = f"/countries/CF/coordination/?year={YEAR}{query}"
    growing.grow(4)
    small, small_page = _queries(client, path)
    growing.grow(36)
    large, large_page = _queries(client, path)
    # What the page shows did grow: the partners of the 40 programmes (both origins, or the chosen one's).
    shown = [number for number in range(1, 41) if f"Implementer {number}<".encode() in large_page]
    expected = {"&origin=iati": range(1, 41, 2), "&origin=own": range(2, 41, 2)}.get(query, range(1, 41))
    assert shown == list(expected)
    assert b"Implementer 40<" not in small_page
    assert large == small, f"{small} queries for 4 programmes, {large} for 40"


@pytest.mark.django_db
def test_the_export_makes_as_many_queries_whatever_the_programmes(growing: Growing, member: User) -> None:
    client = Client()
    client.force_login(member)
    path = f"/countries/CF/coordination/export.xlsx?year={YEAR}"
    growing.grow(4)
    small, _content = _queries(client, path)
    growing.grow(36)
    large, _content = _queries(client, path)
    assert large == small, f"{small} queries for 4 programmes, {large} for 40"


@pytest.mark.django_db
def test_the_year_read_by_ids_or_by_subquery_shows_the_same(
    growing: Growing, member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past IDS_IN_QUERY programmes in the year, their partners, areas, actors and money are read through a
    subquery instead of a list of ids: the same tab either way."""
    client = Client()
    client.force_login(member)
    growing.grow(12)
    pages = []
    for limit in (selectors.IDS_IN_QUERY, 5):
        monkeypatch.setattr(selectors, "IDS_IN_QUERY", limit)
        response = client.get(f"/countries/CF/coordination/?year={YEAR}&by=actor")
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        pages.append([str(page.select_one(f"#coordination-{part}")) for part in ("matrix", "overlaps", "gaps")])
    assert "Implementer 12<" in pages[0][0]
    assert "committed:" in pages[0][0]
    assert "Programme 12<" in pages[0][1]
    assert pages[0] == pages[1]
