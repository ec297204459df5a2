"""Findings read from the database: computed on the whole map, shown only where the reader may see every record
they rest on, with the team's decisions attached by key."""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.utils import translation

from egide.actors import services as map_services
from egide.actors.data import CitationData
from egide.actors.models import Actor
from egide.core.fuzzy_dates import FuzzyDate
from egide.demo.loader import demo_load
from egide.governance import services
from egide.governance.selectors import country_comparison, country_findings, country_graph
from tests.conftest import SmallMap
from tests.governance.conftest import relate


def keys(user: User | AnonymousUser | None, as_of: datetime.date | None = None) -> set[str]:
    return {item.key for item in country_findings(user=user, country="CF", as_of=as_of).findings}


def test_findings_follow_the_confidentiality_of_their_records(
    layered: dict[str, Actor], owner: User, member: User, viewer: User, outsider: User, staff: User
) -> None:
    everything = keys(None)
    assert {
        "intelligence:SECRET",
        "civilian-chain:SECRET",
        "irregular-forces:GUARD",
        "legal-basis:MOI+POL:administers",
        "legal-basis:POL:mandate",
        "parliamentary-oversight:POL",
    } <= everything
    for insider in (owner, member, viewer, staff):
        assert keys(insider) == everything
    seen_by_outsider = keys(outsider)
    assert "intelligence:SECRET" not in seen_by_outsider
    assert "civilian-chain:SECRET" not in seen_by_outsider
    assert "legal-basis:MOI+POL:administers" not in seen_by_outsider  # the edge is hidden, not the actors
    assert {"irregular-forces:GUARD", "legal-basis:POL:mandate", "parliamentary-oversight:POL"} <= seen_by_outsider
    seen_by_anonymous = keys(AnonymousUser())
    assert "irregular-forces:GUARD" not in seen_by_anonymous  # partners only
    assert not any("SECRET" in key for key in seen_by_anonymous)
    assert {"legal-basis:POL:mandate", "parliamentary-oversight:POL"} <= seen_by_anonymous
    # Computed on the outsider's own map, where the ministry's link to the police is missing: the police has no
    # civilian chain there, a finding the whole map does not have.
    assert "civilian-chain:POL" in seen_by_outsider
    assert "civilian-chain:POL" not in everything
    assert seen_by_anonymous <= seen_by_outsider <= everything | {"civilian-chain:POL"}


def test_hidden_records_do_not_reach_the_evidence(layered: dict[str, Actor], outsider: User) -> None:
    """Whatever the outsider is shown names only records the outsider may see."""
    from egide.actors.selectors import actors_visible, relationships_visible

    result = country_findings(user=outsider, country="CF")
    nodes = set(actors_visible(user=outsider).values_list("pk", flat=True))
    edges = set(relationships_visible(user=outsider).values_list("pk", flat=True))
    for item in result.findings:
        assert item.node_ids <= nodes, item.key
        assert item.edge_ids <= edges, item.key


def test_decisions_are_attached_by_key_and_only_to_visible_findings(
    layered: dict[str, Actor], member: User, outsider: User
) -> None:
    services.finding_decide(
        user=member, country="CF", key="intelligence:SECRET", rule="intelligence", status="acknowledged", comment=""
    )
    services.finding_decide(
        user=member, country="CF", key="legal-basis:POL:mandate", rule="legal-basis", status="acknowledged", comment=""
    )
    mine = country_findings(user=member, country="CF")
    assert set(mine.decisions) == {"intelligence:SECRET", "legal-basis:POL:mandate"}
    assert {item.key for item in mine.open()} == {item.key for item in mine.findings} - set(mine.decisions)
    theirs = country_findings(user=outsider, country="CF")
    assert set(theirs.decisions) == {"legal-basis:POL:mandate"}


def test_decisions_are_kept_across_recomputations(small_map: SmallMap, member: User) -> None:
    key = "parliamentary-oversight:POL"
    services.finding_decide(user=member, country="CF", key=key, rule="parliamentary-oversight", status="acknowledged",
                            comment="A committee is planned.")  # fmt: skip
    # The map changes elsewhere, and the police is renamed: the key (its reference) and the decision stay.
    small_map.police.name_en = "Central African Police"
    small_map.police.save()
    relate(small_map.newspaper, "scrutinises", small_map.army)
    result = country_findings(user=member, country="CF")
    assert result.decisions[key].comment == "A committee is planned."
    # Parliament comes to oversee the ministry: the finding goes, its decision is no longer shown...
    oversight = relate(small_map.parliament, "oversees", small_map.interior)
    result = country_findings(user=member, country="CF")
    assert key not in {item.key for item in result.findings}
    assert key not in result.decisions
    # ...and comes back with the finding.
    map_services.relationship_delete(user=None, relationship=oversight)
    assert country_findings(user=member, country="CF").decisions[key].comment == "A committee is planned."


def test_findings_on_a_date_and_between_two_dates(small_map: SmallMap, member: User) -> None:
    relate(small_map.parliament, "oversees", small_map.interior, start=FuzzyDate.parse("2015"))
    key = "parliamentary-oversight:POL"
    assert key in keys(member, as_of=datetime.date(2014, 12, 31))
    assert key not in keys(member, as_of=datetime.date(2015, 1, 1))
    before, after, comparison = country_comparison(
        user=member, country="CF", earlier=datetime.date(2010, 1, 1), later=datetime.date(2020, 1, 1)
    )
    assert (before.as_of, after.as_of) == (datetime.date(2010, 1, 1), datetime.date(2020, 1, 1))
    assert key in {item.key for item in comparison.disappeared}
    assert key not in {item.key for item in comparison.appeared + comparison.stayed}
    assert {item.key for item in comparison.stayed} == keys(member, as_of=datetime.date(2010, 1, 1)) - {key}


def test_the_graph_carries_names_in_the_active_language_dates_and_sources(small_map: SmallMap) -> None:
    small_map.army.name_fr = "Forces armées centrafricaines"
    small_map.army.save()
    source = map_services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Constitution"))
    map_services.citation_add(user=None, source=source, actor=small_map.army, locator="Art. 1")
    map_services.citation_add(user=None, source=source, relationship=small_map.commands, locator="Art. 2")
    relate(small_map.parliament, "oversees", small_map.interior, start=FuzzyDate.parse("2015-03"),
           end=FuzzyDate.parse("2020"), ongoing=False)  # fmt: skip
    graph = country_graph(country="CF")
    assert graph.nodes[small_map.army.pk].name == "Armed Forces"
    # The passage relied on goes with the title: each fact's own.
    assert graph.nodes[small_map.army.pk].sources == ("Constitution, Art. 1",)
    assert graph.edge_by_id[small_map.commands.pk].sources == ("Constitution, Art. 2",)
    assert graph.nodes[small_map.army.pk].article_fr == "unknown"
    dated = next(edge for edge in graph.edges if edge.start is not None)
    assert (str(dated.start), str(dated.end)) == ("2015-03", "2020")
    with translation.override("fr"):
        assert country_graph(country="CF").nodes[small_map.army.pk].name == "Forces armées centrafricaines"
    assert country_graph(country="CD").nodes == {}


def test_the_demo_shows_meaningful_findings_in_both_countries(db: None) -> None:
    demo_load(user=None)
    for country in ("CF", "CD"):
        result = country_findings(user=None, country=country, as_of=datetime.date(2025, 1, 1))
        rules = {item.rule for item in result.findings}
        assert len(rules) >= 6, (country, rules)
        assert {"parliamentary-oversight", "intelligence", "non-statutory-forces"} <= rules
        high = [item for item in result.findings if item.severity == "high"]
        assert len(high) >= 3, country
        # Congo's armed groups are read by the non-statutory rule (medium), not by the rules on what the law asks.
        assert len({item.rule for item in high}) >= (3 if country == "CF" else 2), country
        assert all(item.evidence for item in result.findings)
    cf = {item.key for item in country_findings(user=None, country="CF").findings}
    # Armed groups outside the law are read by the non-statutory rule, not by the rules on what the law asks.
    assert {"irregular-forces:GSPR", "non-statutory-forces:FACA+WAGNER:coordinates_with"} <= cf
    assert "irregular-forces:WAGNER" not in cf
    cd = {item.key for item in country_findings(user=None, country="CD").findings}
    assert "non-statutory-forces:FARDC+WAZALENDO:coordinates_with" in cd
    assert not {key for key in cd if key.endswith(":WAZALENDO") and not key.startswith("non-statutory-forces")}
    # Users see the demo's findings according to their access: an anonymous reader sees fewer.
    assert keys(AnonymousUser()) < cf
