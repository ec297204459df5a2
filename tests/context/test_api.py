"""The country context API: the same selectors and access rules as the pages."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation
from egide.context.models import UPLOADED, Indicator, Observation


@pytest.fixture
def indicators(organisation: Organisation) -> tuple[Indicator, Indicator]:
    public = Indicator.objects.create(
        code="gpi.overall",
        source="gpi",
        name_en="Global Peace Index",
        name_fr="Indice mondial de la paix",
        minimum=1,
        maximum=5,
        higher_is_better=False,
        confidentiality=Confidentiality.PUBLIC,
    )
    own = Indicator.objects.create(
        code=f"{UPLOADED}.{organisation.pk}.complaints",
        source=UPLOADED,
        name_en="Complaints",
        name_fr="Plaintes",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )
    for indicator, rows in (
        (public, {("CF", 2021): 3.036, ("CF", 2022): 3.021, ("TD", 2022): 2.5}),
        (own, {("CF", 2022): 12.0}),
    ):
        Observation.objects.bulk_create(
            Observation(indicator=indicator, country=c, year=y, value=v) for (c, y), v in rows.items()
        )
    return public, own


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_own"), [("owner", True), ("member", True), ("outsider", False), (None, False)])
def test_the_indicator_list_follows_the_access_rules(
    who: str | None, sees_own: bool, request: pytest.FixtureRequest, indicators: tuple[Indicator, Indicator]
) -> None:
    user = request.getfixturevalue(who) if who else None
    answer = _client(user).get("/api/v1/context/indicators").json()
    codes = {item["code"] for item in answer}
    assert "gpi.overall" in codes
    assert (indicators[1].code in codes) == sees_own
    public = next(item for item in answer if item["code"] == "gpi.overall")
    assert public["higher_is_better"] is False
    assert "non-commercial" in public["terms"]
    own_values = _client(user).get(f"/api/v1/context/indicators/{indicators[1].code}/values")
    assert own_values.status_code == (200 if sees_own else 404)


@pytest.mark.django_db
def test_a_countrys_context(indicators: tuple[Indicator, Indicator]) -> None:
    answer = Client().get("/api/v1/countries/CF/context").json()
    assert answer["country"] == "CF"
    assert answer["region"] == "middle_africa"
    [peace] = answer["indicators"]
    assert peace["latest"] == {"year": 2022, "value": 3.021}
    assert peace["previous"] == {"year": 2021, "value": 3.036}
    assert peace["rank"] == {"position": 2, "of": 2}
    assert peace["region_series"] == [{"year": 2022, "value": 2.5}]
    assert Client().get("/api/v1/countries/ZZ/context").status_code == 404


@pytest.mark.django_db
def test_an_indicators_values(indicators: tuple[Indicator, Indicator]) -> None:
    answer = Client().get("/api/v1/context/indicators/gpi.overall/values?year=2021").json()
    assert (answer["year"], answer["years"], answer["values"]) == (2021, [2021, 2022], {"CF": 3.036})
    latest = Client().get("/api/v1/context/indicators/gpi.overall/values").json()
    assert latest["values"] == {"CF": 3.021, "TD": 2.5}
    assert Client().get("/api/v1/context/indicators/gpi.overall/values?year=abc").status_code == 422
    assert Client().get("/api/v1/context/indicators/none/values").status_code == 404
