"""The programme list, a country's Programmes tab, the programme page and the export make as many SQL queries for
3 programmes as for 30."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.programmes.data import CountryShare, ParticipationData, SupportData
from egide.programmes.models import Programme
from tests.conftest import SmallMap
from tests.programmes.conftest import ProgrammeFactory


def grow(
    make_programme: ProgrammeFactory, small_map: SmallMap, organisation: Organisation, start: int, count: int
) -> None:
    for number in range(start, start + count):
        make_programme(
            iati_identifier=f"FR-GROW-{number}",
            title_en=f"Programme {number:03d}",
            countries=[CountryShare("CF", Decimal(80)), CountryShare("TD", Decimal(20))],
            participations=[
                ParticipationData(role="1", organisation=organisation),
                ParticipationData(role="4", name=f"Implementer {number}"),
            ],
            supports=[SupportData(small_map.police), SupportData(small_map.army)],
        )


def queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "address",
    [
        "/programmes/",
        "/programmes/?country=CF&partner=1&role=1&area=justice&sector=15210&status=2&year=2008&q=Programme",
        "/programmes/?sort=-start",
        "/countries/CF/programmes/",
        "/countries/CF/programmes/export.csv",
    ],
)
def test_list_queries_do_not_grow(
    make_programme: ProgrammeFactory, small_map: SmallMap, organisation: Organisation, member: User, address: str
) -> None:
    client = Client()
    client.force_login(member)
    grow(make_programme, small_map, organisation, 0, 3)
    queries(client, address)  # the first request fills the content types' cache
    few = queries(client, address)
    grow(make_programme, small_map, organisation, 3, 27)
    assert Programme.objects.count() == 30
    assert queries(client, address) == few


def test_programme_page_queries_do_not_grow(
    make_programme: ProgrammeFactory, small_map: SmallMap, organisation: Organisation, member: User
) -> None:
    client = Client()
    client.force_login(member)
    grow(make_programme, small_map, organisation, 0, 1)
    programme = Programme.objects.get()
    pages = [reverse(name, kwargs={"pk": programme.pk}) for name in ("programme-detail", "programme-actors")]
    before = [queries(client, page) for page in pages]
    grow(make_programme, small_map, organisation, 1, 20)
    assert [queries(client, page) for page in pages] == before
