"""Each list's export holds exactly the rows its page shows with the filters on screen, to each reader: the owner's
members, another organisation's editor, an anonymous visitor (where the list is public); in CSV and in XLSX."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.actors import services as actor_services
from egide.actors.data import CitationData
from egide.assessments import services as assessment_services
from egide.assessments.models import FrameworkVersion
from egide.governance import presentation
from egide.governance import selectors as governance_selectors
from egide.governance.forms import FindingFilterForm
from egide.programmes.models import Programme
from egide.results.models import Indicator, Period, Result, Update, UpdateStatus
from tests.exports.conftest import LevelledMap, add_transactions, client_of, exported

READERS = ["owner", "member", "outsider", "anonymous"]
FORMATS = ["csv", "xlsx"]


def reader(request: pytest.FixtureRequest, name: str) -> User | None:
    return None if name == "anonymous" else request.getfixturevalue(name)


def column(rows: list, header: str) -> list:
    return [row[header] for row in rows]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", {"National Police", "Gendarmerie", "Secret Police"}),
        ("member", {"National Police", "Gendarmerie", "Secret Police"}),
        ("outsider", {"National Police", "Gendarmerie"}),
        ("anonymous", {"National Police"}),
    ],
)
def test_actors_with_a_filter(
    levelled_map: LevelledMap, request: pytest.FixtureRequest, who: str, expected: set[str], fmt: str
) -> None:
    address = reverse("export-country-list", kwargs={"code": "CF", "name": "actors", "fmt": fmt})
    rows = exported(client_of(reader(request, who)).get(address, {"kind": "police", "page": "2"}), fmt)
    assert set(column(rows, "Name (English)")) == expected
    assert len(rows) == len(expected)
    assert set(column(rows, "Kind")) == {"Police"}


def test_actors_searched_and_sorted_as_the_table(levelled_map: LevelledMap, member: User) -> None:
    address = reverse("export-country-list", kwargs={"code": "CF", "name": "actors", "fmt": "csv"})
    rows = exported(client_of(member).get(address, {"q": "police", "sort": "-name"}), "csv")
    assert column(rows, "Name (English)") == ["Secret Police", "National Police"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", {"Armed Forces", "National Police", "Secret Police"}),
        ("member", {"Armed Forces", "National Police", "Secret Police"}),
        ("outsider", {"Armed Forces", "National Police"}),
        ("anonymous", {"National Police"}),
    ],
)
def test_relationships_with_a_filter(
    levelled_map: LevelledMap, request: pytest.FixtureRequest, who: str, expected: set[str], fmt: str
) -> None:
    address = reverse("export-country-list", kwargs={"code": "CF", "name": "relationships", "fmt": fmt})
    rows = exported(client_of(reader(request, who)).get(address, {"rtype": "commands"}), fmt)
    assert set(column(rows, "To")) == expected
    assert len(rows) == len(expected)
    assert set(column(rows, "From")) == {"Presidency"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", {"Police act", "Secret decree"}),
        ("outsider", {"Police act"}),
        ("anonymous", {"Police act"}),
    ],
)
def test_sources(
    levelled_map: LevelledMap, organisation: Organisation, request: pytest.FixtureRequest, who: str, expected: set
) -> None:
    for title, actor in (("Police act", levelled_map.public_police), ("Secret decree", levelled_map.secret_police)):
        source = actor_services.source_get_or_create(
            user=None, country="CF", citation=CitationData(title=title), owner=organisation
        )
        actor_services.citation_add(user=None, source=source, actor=actor)  # type: ignore[arg-type]
    address = reverse("export-country-list", kwargs={"code": "CF", "name": "sources", "fmt": "xlsx"})
    rows = exported(client_of(reader(request, who)).get(address), "xlsx")
    assert set(column(rows, "Title")) == expected


@pytest.mark.parametrize("who", ["member", "outsider", "anonymous"])
def test_findings_with_a_filter(levelled_map: LevelledMap, request: pytest.FixtureRequest, who: str) -> None:
    user = reader(request, who)
    result = governance_selectors.country_findings(user=user or AnonymousUser(), country="CF", as_of=date.today())
    assert result.findings, "the map gives findings"
    rule = result.findings[0].rule
    form = FindingFilterForm({"rule": rule})
    expected = presentation.filtered(result.in_page_order(), result.decisions, form)
    address = reverse("export-country-list", kwargs={"code": "CF", "name": "findings", "fmt": "csv"})
    rows = exported(client_of(user).get(address, {"rule": rule}), "csv")
    assert len(rows) == len(expected) > 0
    assert set(column(rows, "Rule")) == {rule}
    assert set(column(rows, "As of")) == {date.today().isoformat()}
    if who != "member":
        assert not any("Secret Police" in row["Actors concerned"] + row["Evidence"] for row in rows)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", {"FR-TEST-PUBLIC", "FR-TEST-PARTNERS", "FR-TEST-SECRET"}),
        ("outsider", {"FR-TEST-PUBLIC", "FR-TEST-PARTNERS"}),
        ("anonymous", {"FR-TEST-PUBLIC"}),
    ],
)
def test_programmes_with_a_filter(
    programmes: dict[str, Programme], request: pytest.FixtureRequest, who: str, expected: set, fmt: str
) -> None:
    client = client_of(reader(request, who))
    address = reverse("export-list", kwargs={"name": "programmes", "fmt": fmt})
    rows = exported(client.get(address, {"country": "CF"}), fmt)
    assert set(column(rows, "IATI identifier")) == expected
    tab = reverse("export-country-list", kwargs={"code": "CF", "name": "programmes", "fmt": fmt})
    assert set(column(exported(client.get(tab), fmt), "IATI identifier")) == expected
    searched = exported(client.get(address, {"q": "public"}), fmt)
    assert column(searched, "IATI identifier") == ["FR-TEST-PUBLIC"]


def transactions_address(programme: Programme, fmt: str) -> str:
    return reverse("export-programme-list", kwargs={"pk": programme.pk, "name": "transactions", "fmt": fmt})


@pytest.mark.parametrize("fmt", FORMATS)
def test_transactions_amounts_and_dates(programmes: dict[str, Programme], member: User, fmt: str) -> None:
    add_transactions(programmes["public"], 3)
    add_transactions(programmes["partners"], 2)
    address = reverse(
        "export-programme-list", kwargs={"pk": programmes["public"].pk, "name": "transactions", "fmt": fmt}
    )
    rows = exported(client_of(member).get(address), fmt)
    assert len(rows) == 3
    assert set(column(rows, "Programme")) == {"FR-TEST-PUBLIC"}
    if fmt == "xlsx":
        assert rows[0]["Value"] == 1000.5
        assert isinstance(rows[0]["Value"], float)
        assert rows[0]["Date"].date() == date(2021, 1, 1)  # type: ignore[union-attr]
    else:
        assert (rows[0]["Value"], rows[0]["Date"], rows[0]["Type"]) == ("1000.50", "2021-01-01", "Disbursement")


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("outsider", 404), ("anonymous", 404)])
def test_a_hidden_programmes_transactions(
    programmes: dict[str, Programme], request: pytest.FixtureRequest, who: str, status: int
) -> None:
    add_transactions(programmes["secret"], 2)
    address = reverse(
        "export-programme-list", kwargs={"pk": programmes["secret"].pk, "name": "transactions", "fmt": "csv"}
    )
    response = client_of(reader(request, who)).get(address)
    assert response.status_code == status
    if status == 200:
        assert len(exported(response, "csv")) == 2


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("outsider", 200), ("anonymous", 404)])
def test_results(programmes: dict[str, Programme], request: pytest.FixtureRequest, who: str, status: int) -> None:
    programme = programmes["partners"]
    result = Result.objects.create(programme=programme, type="1", title_en="Courts work", order=1)
    indicator = Indicator.objects.create(result=result, title_en="Cases heard", baseline_value=Decimal(10))
    periods = [
        Period.objects.create(indicator=indicator, start=date(year, 1, 1), end=date(year, 12, 31), target_value=50)
        for year in (2021, 2022)
    ]
    for value, status_of in ((Decimal(20), UpdateStatus.APPROVED), (Decimal(99), UpdateStatus.DRAFT)):
        Update.objects.create(period=periods[0], value=value, value_date=date(2021, 6, 1), status=status_of)
    address = reverse("export-programme-list", kwargs={"pk": programme.pk, "name": "results", "fmt": "xlsx"})
    response = client_of(reader(request, who)).get(address)
    assert response.status_code == status
    if status == 200:
        rows = exported(response, "xlsx")
        assert [(row["Indicator"], row["Target"], row["Latest approved value"]) for row in rows] == [
            ("Cases heard", 50, 20),
            ("Cases heard", 50, None),
        ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", {"Public review", "Internal review"}), ("outsider", {"Public review"}), ("anonymous", set())],
)
def test_assessments_with_a_filter(
    small_version: FrameworkVersion,
    organisation: Organisation,
    request: pytest.FixtureRequest,
    who: str,
    expected: set,
) -> None:
    for title, country, level in (
        ("Public review", "CF", Confidentiality.PARTNERS),
        ("Internal review", "CF", Confidentiality.ORGANISATION),
        ("Elsewhere", "ML", Confidentiality.PARTNERS),
    ):
        assessment_services.assessment_create(
            user=None,
            data=assessment_services.AssessmentData(
                country=country,
                framework_version=small_version,
                as_of=date(2024, 6, 30),
                owner=organisation,
                confidentiality=level,
                title=title,
            ),
        )
    address = reverse("export-list", kwargs={"name": "assessments", "fmt": "csv"})
    rows = exported(client_of(reader(request, who)).get(address, {"country": "CF"}), "csv")
    assert set(column(rows, "Title")) == expected
    assert set(column(rows, "Status")) <= {"Draft"}


def test_a_refused_filter_is_a_clear_400(levelled_map: LevelledMap, member: User) -> None:
    address = reverse("export-country-list", kwargs={"code": "CF", "name": "actors", "fmt": "csv"})
    assert client_of(member).get(address, {"q": "a\x00b"}).status_code == 400


@pytest.mark.parametrize(
    "address",
    [
        "/exports/nothing.csv",
        "/exports/programmes.pdf",
        "/exports/actors.csv",  # a country's list, without its country
        "/countries/ZZ/exports/actors.csv",
        "/countries/CF/exports/transactions.csv",
        "/programmes/999999/exports/transactions.csv",
    ],
)
def test_unknown_lists_formats_and_scopes_are_not_found(db: None, address: str) -> None:
    assert client_of(None).get(address).status_code == 404


def test_the_export_is_in_french_for_a_french_reader(levelled_map: LevelledMap, member: User) -> None:
    address = reverse("export-country-list", kwargs={"code": "CF", "name": "actors", "fmt": "csv"})
    rows = exported(client_of(member).get(address, {"kind": "police"}, HTTP_ACCEPT_LANGUAGE="fr"), "csv")
    assert set(column(rows, "Famille")) == {"Forces de sécurité"}
