"""Who sees what: one table of rules, checked on every surface that shows records.

Each confidentiality level is tried with the owner organisation's administrator, editor and viewer, an
outsider (another organisation), an outsider the record is shared with, a member limited to another country,
a signed-in user of no organisation, an anonymous visitor and platform staff. A surface that shows a record to
someone who may not see it, or hides it from someone who may, fails the test.
"""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from egide.accounts.models import Membership, Organisation, OrganisationType, Role, Share
from egide.accounts.selectors import can_edit, editable_ids
from egide.actors import exporter, selectors
from egide.actors.models import Actor
from tests.conftest import ActorFactory, make_user
from tests.security.helpers import verify

LEVELS = ("public", "partners", "organisation", "restricted", "restricted_shared")
READERS = ("owner", "member", "viewer", "outsider", "sharer", "limited", "nobody", "anonymous", "staff")

# Who may read a record of each level (the rules, written out).
MAY_READ = {
    "public": set(READERS),
    "partners": {"owner", "member", "viewer", "outsider", "sharer", "staff"},
    "organisation": {"owner", "member", "viewer", "staff"},
    "restricted": {"owner", "member", "viewer", "staff"},
    "restricted_shared": {"owner", "member", "viewer", "sharer", "staff"},
}
# Who may change it: editors and administrators of the owner, editors it is shared with for editing, staff.
CANNOT_EDIT_ANYTHING = {"viewer", "nobody"}
MAY_EDIT = {
    "public": {"owner", "member", "staff"},
    "partners": {"owner", "member", "staff"},
    "organisation": {"owner", "member", "staff"},
    "restricted": {"owner", "member", "staff"},
    "restricted_shared": {"owner", "member", "sharer", "staff"},
}


@pytest.fixture
def readers(
    owner: User, member: User, viewer: User, outsider: User, nobody: User, staff: User, organisation: Organisation
) -> dict[str, User | AnonymousUser]:
    partner = Organisation.objects.create(
        name_en="Mission", name_fr="Mission", acronym="MISSION", type=OrganisationType.MISSION
    )
    elsewhere = Organisation.objects.create(
        name_en="Other country desk", name_fr="Bureau d’un autre pays", acronym="DESK", type=OrganisationType.AGENCY
    )
    sharer = make_user("sharer", partner, Role.EDITOR)
    limited = make_user("limited", elsewhere, Role.EDITOR, countries=["CD"])
    return {
        "owner": owner,
        "member": member,
        "viewer": viewer,
        "outsider": outsider,
        "sharer": sharer,
        "limited": limited,
        "nobody": nobody,
        "anonymous": AnonymousUser(),
        "staff": staff,
    }


@pytest.fixture
def records(make_actor: ActorFactory, readers: dict[str, User | AnonymousUser]) -> dict[str, Actor]:
    partner = Organisation.objects.get(acronym="MISSION")
    made = {}
    for level in LEVELS:
        actor = make_actor(
            kind="police",
            name=f"Police {level}",
            reference=level.upper(),
            confidentiality=level.removesuffix("_shared"),
        )
        made[level] = actor
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Actor),
        object_id=made["restricted_shared"].pk,
        organisation=partner,
        can_edit=True,
        country="CF",
    )
    return made


def _client(user: User | AnonymousUser) -> Client:
    client = Client()
    if isinstance(user, User):
        client.force_login(user)
        if user.is_superuser:
            verify(client, user)
    return client


CASES = [(level, reader) for level in LEVELS for reader in READERS]


@pytest.mark.parametrize(("level", "reader"), CASES)
def test_selectors_pages_api_and_exports_agree_with_the_rules(
    records: dict[str, Actor], readers: dict[str, User | AnonymousUser], level: str, reader: str
) -> None:
    user, record = readers[reader], records[level]
    expected = reader in MAY_READ[level]
    client = _client(user)

    assert selectors.actors_visible(user=user).filter(pk=record.pk).exists() == expected, "selector"
    page = client.get(f"/actors/{record.pk}/")
    assert page.status_code == (200 if expected else 404), "actor page"
    country_page = client.get("/countries/CF/actors/").content.decode()
    assert (f"/actors/{record.pk}/" in country_page) == expected, "country page tables"
    table = client.get("/countries/CF/actors/table/", {"q": record.name_en}).content.decode()
    assert (f"/actors/{record.pk}/" in table) == expected, "table search"
    nodes = client.get("/api/v1/countries/CF/map").json()["nodes"]
    assert (record.pk in {node["id"] for node in nodes}) == expected, "map"
    api = client.get(f"/api/v1/actors/{record.pk}")
    assert api.status_code == (200 if expected else 404), "API read"
    listed = client.get("/api/v1/countries/CF/actors", {"limit": 100}).json()["items"]
    assert (record.pk in {item["id"] for item in listed}) == expected, "API list"
    exported = json.loads(exporter.export_map(user=user, country="CF", fmt="json"))
    assert (record.reference in {actor["reference"] for actor in exported["actors"]}) == expected, "JSON export"
    archive = zipfile.ZipFile(io.BytesIO(client.get("/countries/CF/export.csv").content))
    assert (f"\n{record.reference}," in archive.read("actors.csv").decode("utf-8-sig")) == expected, "CSV export"


@pytest.mark.parametrize("reader", READERS)
def test_counts_on_the_home_page_and_api_agree_with_the_rules(
    records: dict[str, Actor], readers: dict[str, User | AnonymousUser], reader: str
) -> None:
    expected = sum(1 for level in LEVELS if reader in MAY_READ[level])
    summaries = {summary.code: summary.actors for summary in selectors.country_summaries(user=readers[reader])}
    assert summaries.get("CF", 0) == expected
    countries = _client(readers[reader]).get("/api/v1/countries").json()
    assert {country["code"]: country["actors"] for country in countries}.get("CF", 0) == expected


@pytest.mark.parametrize(("level", "reader"), CASES)
def test_editing_rights_agree_with_the_rules(
    records: dict[str, Actor], readers: dict[str, User | AnonymousUser], level: str, reader: str
) -> None:
    user, record = readers[reader], records[level]
    expected = reader in MAY_EDIT[level]
    assert can_edit(user=user, record=record) == expected
    assert (record.pk in editable_ids(user=user, records=[record])) == expected
    response = _client(user).patch(
        f"/api/v1/actors/{record.pk}", data={"notes": "changed"}, content_type="application/json"
    )
    if expected:
        assert response.status_code == 200
    elif reader == "anonymous":
        assert response.status_code == 401
    elif reader in MAY_READ[level] or reader in CANNOT_EDIT_ANYTHING:
        # without an editing role anywhere, every change is refused before the record is even looked up
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    record.refresh_from_db()
    assert (record.notes == "changed") == expected


def test_a_membership_limited_to_a_country_sees_partner_records_there_only(
    records: dict[str, Actor], readers: dict[str, User | AnonymousUser], make_actor: ActorFactory
) -> None:
    congolese = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    limited = readers["limited"]
    visible = set(selectors.actors_visible(user=limited).values_list("pk", flat=True))
    assert congolese.pk in visible
    assert records["partners"].pk not in visible


def test_relationships_to_a_hidden_actor_are_hidden_too(
    records: dict[str, Actor], readers: dict[str, User | AnonymousUser], make_actor: ActorFactory
) -> None:
    from egide.actors import services
    from egide.actors.data import RelationshipData

    ministry = make_actor(kind="ministry_of_interior", name="Interior", confidentiality="public")
    relationship = services.relationship_create(
        user=None,
        data=RelationshipData(
            source=ministry,
            target=records["organisation"],
            type="administers",
            owner=ministry.owner,
            confidentiality="public",
        ),
    )
    outsider = readers["outsider"]
    assert not selectors.relationships_visible(user=outsider).filter(pk=relationship.pk).exists()
    assert _client(outsider).get(f"/api/v1/relationships/{relationship.pk}").status_code == 404
    assert selectors.relationships_visible(user=readers["member"]).filter(pk=relationship.pk).exists()


def test_sources_follow_the_records_that_cite_them(
    records: dict[str, Actor], readers: dict[str, User | AnonymousUser]
) -> None:
    from egide.actors import services
    from egide.actors.data import CitationData

    source = services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Internal memo"))
    services.citation_add(user=None, source=source, actor=records["organisation"])
    assert selectors.sources_visible(user=readers["member"]).filter(pk=source.pk).exists()
    assert not selectors.sources_visible(user=readers["outsider"]).filter(pk=source.pk).exists()
    assert not selectors.sources_visible(user=readers["anonymous"]).filter(pk=source.pk).exists()


def test_memberships_of_a_user_are_read_once_per_request(
    records: dict[str, Actor], readers: dict[str, User | AnonymousUser], django_assert_max_num_queries: object
) -> None:
    member = readers["member"]
    Membership.objects.filter(user=member).first()
    selectors.actors_visible(user=member).count()
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        selectors.actors_visible(user=member).count()
