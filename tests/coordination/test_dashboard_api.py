"""The dashboard in the API: the same rows, sums and bands as the page for owner, member and outsider; bad choices
refused with 422."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation
from egide.programmes.models import ProgrammeArea
from tests.coordination import dashboard_data

URL = "/api/v1/dashboard"


def _get(user: User | None, query: str = "") -> dict:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_confidential"), [("owner", True), ("member", True), ("outsider", False)])
def test_the_sums_and_bands_follow_the_access_rules(
    who: str, sees_confidential: bool, request: pytest.FixtureRequest, two_countries: None
) -> None:
    found = _get(request.getfixturevalue(who), "currency=EUR")
    by_country = {entry["country"]: entry for entry in found["countries"]}
    assert set(by_country) == {"CF", "TD"}
    central = by_country["CF"]
    assert found["currency"] == "EUR"
    assert found["framework"] == "small-review"
    assert [indicator["code"] for indicator in found["indicators"]] == ["gpi.overall"]
    assert found["indicators"][0]["source"]
    if sees_confidential:
        assert Decimal(central["money"]) == Decimal("4800")
        assert Decimal(central["money_by_area"]["prisons"]) == Decimal("4000")
        assert central["assessment"]["band"] == "C"
    else:
        assert Decimal(central["money"]) == Decimal("800")
        assert "prisons" not in central["money_by_area"]
        assert central["assessment"]["band"] == "A"
    assert Decimal(central["money_by_area"]["justice"]) == Decimal("800")
    assert set(central["findings"]) == {"high", "medium", "low"}
    assert by_country["TD"]["indicators"]["gpi.overall"] == {"year": 2024, "value": 2.5}


@pytest.mark.django_db
def test_sorting_and_region(member: User, two_countries: None) -> None:
    assert [entry["country"] for entry in _get(member, "sort=score")["countries"]] == ["TD", "CF"]
    assert [entry["country"] for entry in _get(member, "sort=-score")["countries"]] == ["CF", "TD"]
    assert _get(member, "region=western_africa")["countries"] == []
    assert _get(member, "indicator=gpi.overall&indicator=nothing")["indicators"][0]["code"] == "gpi.overall"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "currency=XOF",
        "flow=other",
        "sort=%00",
        "region=" + "x" * 301,
        "indicator=a&indicator=b&indicator=c&indicator=d&indicator=e",
    ],
)
def test_bad_choices_are_refused_with_422(member: User, query: str) -> None:
    client = Client()
    client.force_login(member)
    assert client.get(f"{URL}?{query}").status_code == 422


@pytest.mark.django_db
def test_a_programme_of_several_areas_counts_an_equal_share_in_each(member: User, organisation: Organisation) -> None:
    dashboard_data.euro_rate()
    programme = dashboard_data.funded_programme(
        "SN", organisation, area="justice", value="1000", level=Confidentiality.PUBLIC
    )
    ProgrammeArea.objects.create(programme=programme, area="prisons")
    ProgrammeArea.objects.create(programme=programme, area="borders")
    dashboard_data.funded_programme("SN", organisation, area="prisons", value="500", level=Confidentiality.PUBLIC)
    [senegal] = _get(member)["countries"]
    assert Decimal(senegal["money"]) == Decimal("1500")
    shares = {area: Decimal(amount) for area, amount in senegal["money_by_area"].items()}
    assert shares == {"justice": Decimal("333.33"), "prisons": Decimal("833.33"), "borders": Decimal("333.33")}
