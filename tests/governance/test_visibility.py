"""Findings are computed on the map the reader may see. A record hidden from the reader can neither show a finding
to them nor make one disappear: otherwise a finding that vanishes (or "disappeared" in a comparison) would tell
them that a hidden oversight link exists, and when it began."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from egide.actors.models import Actor, Relationship
from egide.core.fuzzy_dates import FuzzyDate
from egide.governance import services
from egide.governance.selectors import country_comparison, country_findings
from egide.governance.views import anchor
from tests.conftest import ActorFactory
from tests.governance.conftest import relate

KEY = "parliamentary-oversight:POL"
"""The police's chain (the interior ministry) answers to no parliament, on the public map."""
FINDINGS = "/api/v1/countries/CF/findings"
COMPARE = "/api/v1/countries/CF/findings/compare"


@pytest.fixture
def hidden_oversight(make_actor: ActorFactory) -> Relationship:
    """A public map where parliament oversees nothing, and an organisation-level link, since 2015, by which it
    oversees the interior ministry: known to the owner organisation only."""

    def public(kind: str, name: str, reference: str) -> Actor:
        return make_actor(kind=kind, name=name, reference=reference, confidentiality="public", mandate_text="Law")

    interior = public("ministry_of_interior", "Ministry of the Interior", "MOI")
    police = public("police", "National Police", "POL")
    parliament = public("parliament", "National Assembly", "AN")
    relate(interior, "administers", police, legal_basis="Decree 12", confidentiality="public")
    return relate(
        parliament, "oversees", interior, legal_basis="Rules of procedure", start=FuzzyDate.parse("2015"),
        confidentiality="organisation",
    )  # fmt: skip


def keys(user: User | AnonymousUser | None, as_of: datetime.date | None = None) -> set[str]:
    return {item.key for item in country_findings(user=user, country="CF", as_of=as_of).findings}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_owner_sees_the_finding_resolved_by_its_hidden_record(
    hidden_oversight: Relationship, owner: User, member: User, viewer: User, staff: User
) -> None:
    for insider in (None, owner, member, viewer, staff):
        assert KEY not in keys(insider)
        assert KEY in keys(insider, as_of=datetime.date(2010, 1, 1))


def test_a_reader_who_cannot_see_the_resolving_record_still_sees_the_finding(
    hidden_oversight: Relationship, outsider: User, nobody: User
) -> None:
    for reader in (outsider, nobody, AnonymousUser()):
        assert KEY in keys(reader)
        result = country_findings(user=reader, country="CF")
        found = next(item for item in result.findings if item.key == KEY)
        # Its evidence names only what the reader may see.
        assert hidden_oversight.pk not in found.edge_ids
        assert hidden_oversight.pk not in result.graph.edge_by_id


def test_the_comparison_shows_no_disappearance_the_reader_cannot_explain(
    hidden_oversight: Relationship, owner: User, outsider: User
) -> None:
    earlier, later = datetime.date(2010, 1, 1), datetime.date(2020, 1, 1)
    *_, insider = country_comparison(user=owner, country="CF", earlier=earlier, later=later)
    assert KEY in {item.key for item in insider.disappeared}
    for reader in (outsider, AnonymousUser()):
        *_, comparison = country_comparison(user=reader, country="CF", earlier=earlier, later=later)
        assert KEY in {item.key for item in comparison.stayed}
        assert KEY not in {item.key for item in comparison.disappeared + comparison.appeared}


def test_the_api_answers_the_same(hidden_oversight: Relationship, owner: User, member: User, outsider: User) -> None:
    for user, expected in ((owner, False), (member, False), (outsider, True), (None, True)):
        client = client_for(user)
        listed = {item["key"] for item in client.get(FINDINGS).json()["findings"]}
        assert (KEY in listed) is expected, user
        compared = client.get(COMPARE, {"from": "2010-01-01", "to": "2020-01-01"}).json()
        disappeared = {item["key"] for item in compared["disappeared"]}
        stayed = {item["key"] for item in compared["stayed"]}
        assert (KEY in disappeared) is not expected, user
        assert (KEY in stayed) is expected, user


def test_the_page_answers_the_same(hidden_oversight: Relationship, member: User, outsider: User) -> None:
    url = reverse("country-governance", kwargs={"code": "CF"})
    assert f'id="{anchor(KEY)}"' not in client_for(member).get(url).content.decode()
    for user in (outsider, None):
        html = client_for(user).get(url).content.decode()
        assert f'id="{anchor(KEY)}"' in html
        assert "Rules of procedure" not in html


def test_the_command_line_reads_the_whole_map(hidden_oversight: Relationship) -> None:
    out = io.StringIO()
    call_command("governance", "check", "CF", "--format", "json", stdout=out, stderr=io.StringIO())
    assert KEY not in {item["key"] for item in json.loads(out.getvalue())["findings"]}


def test_decisions_still_follow_the_key(hidden_oversight: Relationship, member: User, outsider: User) -> None:
    services.finding_decide(
        user=member, country="CF", key=KEY, rule="parliamentary-oversight", status="acknowledged", comment="Known."
    )
    assert country_findings(user=outsider, country="CF").decisions[KEY].comment == "Known."
    assert KEY not in country_findings(user=member, country="CF").decisions
