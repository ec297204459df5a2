"""What each governance rule finds, piece by piece: the kind and message of its evidence, the actors it names,
the chain or link it shows and its detail. The API and the pages show all of these, so each is asserted whole.

The pieces are read across all of a rule's findings, so that the tests hold however the findings are grouped.
"""

from typing import Any

from egide.core import taxonomy
from egide.governance.engine import run
from egide.governance.graph import Edge, Graph, Step
from egide.governance.rules import RULE_BY_CODE, _kinds
from tests.governance.graphs import Builder, findings, keys, model_country

Piece = tuple[str, str, tuple[str, ...], tuple[tuple[str, str, str], ...], str]


def _step(step: Step, reference: dict[int, str]) -> tuple[str, str, str]:
    """A chain's link as (upper, relationship type or "parent_of", lower)."""
    if step.edge is None:
        return (reference[step.upper], "parent_of", reference[step.lower])
    return (reference[step.upper], step.edge.type, reference[step.lower])


def evidence(country: Builder | Graph, rule: str, **parameters: Any) -> list[Piece]:
    """Every piece of evidence the rule gives, as (kind, message, subjects, steps, detail), by references."""
    graph = country.graph() if isinstance(country, Builder) else country
    reference = {node.id: node.reference for node in graph.nodes.values()}
    return sorted(
        (
            piece.kind,
            piece.message,
            tuple(reference[node] for node in piece.subjects),
            tuple(_step(step, reference) for step in piece.steps),
            piece.detail,
        )
        for item in findings(graph, rule, **parameters)
        for piece in item.evidence
    )


def test_civilian_chain_evidence_names_the_force_no_authority_reaches() -> None:
    country = model_country().without("MOD", "administers", "ARMY")
    assert evidence(country, "civilian-chain") == [("missing", "no_civilian_chain", ("ARMY",), (), "")]


def test_parliamentary_oversight_evidence_names_each_force_left_out() -> None:
    country = model_country().without("PARL", "oversees", "GOV").edge("DEFCOM", "oversees", "MOD")
    assert evidence(country, "parliamentary-oversight") == [
        ("missing", "no_parliamentary_oversight", (reference,), (), "") for reference in ("BORDER", "CUSTOMS", "POLICE")
    ]


def test_judicial_jurisdiction_evidence_names_each_force_outside_the_courts() -> None:
    country = model_country().without("COURT", "adjudicates", "GOV").edge("PROSEC", "oversees", "MOI")
    assert evidence(country, "judicial-jurisdiction") == [
        ("missing", "no_jurisdiction", (reference,), (), "") for reference in ("CUSTOMS", "GUARD", "INTEL")
    ]


def test_budget_control_evidence_names_the_actor_whose_budget_escapes() -> None:
    country = model_country().without("AUDIT", "audits", "OMB").without("PARL", "funds", "OMB")
    assert evidence(country, "budget-control") == [
        ("missing", "budget_not_audited", ("OMB",), (), ""),
        ("missing", "budget_not_voted", ("OMB",), (), ""),
    ]


def test_budget_control_reads_justice_and_security_actors_but_not_the_rest() -> None:
    # The ministry of justice is filed under justice: its budget counts; the media's budget is not the state's.
    country = model_country().without("PARL", "funds", "GOV").without("AUDIT", "audits", "GOV")
    country.edge("PARL", "funds", "MOD").edge("AUDIT", "audits", "MOD")
    country.edge("PARL", "funds", "MOI").edge("AUDIT", "audits", "MOI")
    country.edge("PARL", "funds", "MOF").edge("AUDIT", "audits", "MOF")
    country.edge("PARL", "funds", "INTEL").edge("AUDIT", "audits", "INTEL")
    assert {subjects for _kind, _message, subjects, _steps, _detail in evidence(country, "budget-control")} == {
        ("MOJ",),
        ("PRISONS",),
    }
    # A ministry (management) is not read by this rule even when nobody votes its budget.
    assert "budget-control:MOD" not in keys(model_country().without("PARL", "funds", "GOV"), "budget-control")


def test_ombudsman_evidence_when_missing_and_when_not_covering_the_forces() -> None:
    assert evidence(model_country().without_node("OMB"), "ombudsman") == [("missing", "no_ombudsman", (), (), "")]
    idle = model_country().without("OMB", "scrutinises", "POLICE").node("HRC", "human_rights_commission")
    assert evidence(idle, "ombudsman") == [
        ("missing", "ombudsman_not_covering", ("HRC",), (), ""),
        ("missing", "ombudsman_not_covering", ("OMB",), (), ""),
    ]


def test_ombudsman_coverage_counts_oversight_scrutiny_and_jurisdiction() -> None:
    # With the courts counted as the ombudsman, their jurisdiction over the government reaches the forces.
    assert keys(model_country(), "ombudsman", ombudsman_kinds=["court"]) == set()
    assert keys(model_country(), "ombudsman", ombudsman_kinds=["media"]) == set()  # the media scrutinise the army
    assert keys(model_country(), "ombudsman", ombudsman_kinds=["court_of_accounts"]) == {"ombudsman:AUDIT"}
    # Covering only actors outside the security forces is not covering the forces.
    elsewhere = model_country().without("OMB", "scrutinises", "POLICE").edge("OMB", "scrutinises", "MOJ")
    assert keys(elsewhere, "ombudsman") == {"ombudsman:OMB"}


def test_intelligence_evidence_is_a_fact_and_a_missing_overseer() -> None:
    country = model_country().change("INTEL", has_mandate=False).without("DEFCOM", "oversees", "INTEL")
    assert evidence(country, "intelligence") == [
        ("fact", "no_mandate", ("INTEL",), (), ""),
        ("missing", "no_dedicated_oversight", ("INTEL",), (), ""),
    ]


def test_intelligence_counts_parliamentary_scrutiny_but_not_other_links() -> None:
    scrutinised = model_country().without("DEFCOM", "oversees", "INTEL").edge("DEFCOM", "scrutinises", "INTEL")
    assert keys(scrutinised, "intelligence") == set()
    funded = model_country().without("DEFCOM", "oversees", "INTEL").edge("DEFCOM", "funds", "INTEL")
    assert keys(funded, "intelligence") == {"intelligence:INTEL"}
    # An overseer of a kind that does not count does not make the service overseen, whatever it oversees.
    outsider = model_country().without("DEFCOM", "oversees", "INTEL").edge("MEDIA", "oversees", "INTEL")
    assert keys(outsider, "intelligence") == {"intelligence:INTEL"}


def test_civilian_prisons_evidence_shows_the_military_chain() -> None:
    direct = model_country().without("MOJ", "administers", "PRISONS").edge("MOD", "administers", "PRISONS")
    assert evidence(direct, "civilian-prisons") == [
        ("path", "military_prison_administration", ("PRISONS",), (("MOD", "administers", "PRISONS"),), "")
    ]
    # Through the hierarchy: a directorate that is part of the army administers the prisons.
    deep = model_country().node("DIR", "reserve", parent="ARMY")
    deep.edge("DIR", "administers", "PRISONS")
    assert evidence(deep, "civilian-prisons", military_kinds=["ministry_of_defence"]) == [
        (
            "path",
            "military_prison_administration",
            ("PRISONS",),
            (("MOD", "administers", "ARMY"), ("ARMY", "parent_of", "DIR"), ("DIR", "administers", "PRISONS")),
            "",
        )
    ]
    orphan = model_country().without("MOJ", "administers", "PRISONS")
    assert evidence(orphan, "civilian-prisons") == [
        ("missing", "no_civilian_prison_administration", ("PRISONS",), (), "")
    ]


def test_a_prison_service_counted_as_military_is_not_under_itself() -> None:
    # A prison service named among the military kinds starts the military chain: it is not found under it.
    assert keys(model_country(), "civilian-prisons", military_kinds=["prison_service"]) == set()


def test_judicial_independence_evidence_is_the_commanding_link() -> None:
    country = model_country().edge("MOJ", "commands", "PROSEC")
    assert evidence(country, "judicial-independence") == [
        ("edge", "commands_judiciary", ("PROSEC",), (("MOJ", "commands", "PROSEC"),), "")
    ]
    # Other justice actors commanding the prosecution are outside this rule (the bar, a court over its parts).
    assert keys(model_country().edge("COURT", "commands", "PROSEC"), "judicial-independence") == set()
    # Appointing or administering a court is not commanding it.
    assert keys(model_country().edge("MOJ", "administers", "COURT"), "judicial-independence") == set()
    assert keys(model_country().edge("GOV", "commands", "MOD"), "judicial-independence") == set()


def test_public_scrutiny_evidence_when_nobody_watches() -> None:
    # Media and civil society are two checks, each with its own finding and evidence.
    absent = model_country().without_node("MEDIA")
    assert evidence(absent, "public-scrutiny") == [("missing", "no_media", (), (), "")]
    no_league = model_country().without_node("LEAGUE")
    assert evidence(no_league, "public-scrutiny") == [("missing", "no_civil_society", (), (), "")]
    silent = model_country().without("MEDIA", "scrutinises", "ARMY")
    assert evidence(silent, "public-scrutiny") == [("missing", "media_not_scrutinising", ("MEDIA",), (), "")]
    # Only scrutiny counts: the media's other links to the forces do not.
    other = model_country().without("MEDIA", "scrutinises", "ARMY").edge("MEDIA", "coordinates_with", "ARMY")
    assert keys(other, "public-scrutiny") == {"public-scrutiny::media"}


def test_border_coordination_evidence_names_the_missing_kind_and_the_pair() -> None:
    assert evidence(model_country().without_node("CUSTOMS"), "border-coordination") == [
        ("missing", "no_border_kind", (), (), "customs")
    ]
    apart = model_country().without("BORDER", "coordinates_with", "CUSTOMS")
    assert evidence(apart, "border-coordination") == [
        ("missing", "border_not_coordinated", ("BORDER", "CUSTOMS"), (), "")
    ]


def test_border_coordination_counts_only_coordination_between_the_two_kinds() -> None:
    # Another link between the two bodies is not coordination.
    commanded = model_country().without("BORDER", "coordinates_with", "CUSTOMS").edge("BORDER", "commands", "CUSTOMS")
    assert keys(commanded, "border-coordination") == {"border-coordination:BORDER+CUSTOMS"}
    # Each coordinating with a third body is not coordinating with each other.
    third = model_country().without("BORDER", "coordinates_with", "CUSTOMS")
    third.edge("BORDER", "coordinates_with", "POLICE").edge("POLICE", "coordinates_with", "CUSTOMS")
    assert keys(third, "border-coordination") == {"border-coordination:BORDER+CUSTOMS"}
    # One of several bodies of a kind coordinating is enough.
    several = model_country().node("AIRPORT", "border_guard")
    assert keys(several, "border-coordination") == set()
    several_reversed = model_country().without("BORDER", "coordinates_with", "CUSTOMS").node("AIRPORT", "border_guard")
    several_reversed.edge("CUSTOMS", "coordinates_with", "AIRPORT")
    assert keys(several_reversed, "border-coordination") == set()


def test_border_coordination_with_three_kinds_checks_every_pair() -> None:
    coast = model_country().node("COAST", "coast_guard")
    assert evidence(coast, "border-coordination", coastal=True) == [
        ("missing", "border_not_coordinated", ("BORDER", "COAST"), (), ""),
        ("missing", "border_not_coordinated", ("CUSTOMS", "COAST"), (), ""),
    ]
    # A coast guard already required is required once.
    assert evidence(
        model_country(), "border-coordination", coastal=True, required_kinds=["border_guard", "coast_guard"]
    ) == [("missing", "no_border_kind", (), (), "coast_guard")]
    assert keys(coast, "border-coordination", coastal=False) == set()


def test_border_coordination_names_the_first_reference_of_each_kind() -> None:
    # Two customs services, neither coordinating with the border guard: the pair is named by the first reference
    # of each kind (CARGO before CUSTOMS), whichever was recorded first.
    country = model_country().without("BORDER", "coordinates_with", "CUSTOMS").node("CARGO", "customs")
    assert evidence(country, "border-coordination") == [
        ("missing", "border_not_coordinated", ("BORDER", "CARGO"), (), "")
    ]


def test_a_coast_guard_required_twice_is_checked_once() -> None:
    coast = model_country().node("COAST", "coast_guard")
    assert evidence(coast, "border-coordination", coastal=True, required_kinds=["border_guard", "coast_guard"]) == [
        ("missing", "border_not_coordinated", ("BORDER", "COAST"), (), "")
    ]


def test_disputed_in_chain_evidence_is_the_chain_from_the_disputed_actor() -> None:
    country = model_country().node("JUNTA", "security_council", legitimacy_disputed=True)
    country.edge("JUNTA", "commands", "MOD")
    assert evidence(country, "disputed-in-chain") == [
        ("path", "disputed_in_chain", ("ARMY",), (("JUNTA", "commands", "MOD"), ("MOD", "administers", "ARMY")), ""),
        ("path", "disputed_in_chain", ("GUARD",), (("JUNTA", "commands", "MOD"), ("MOD", "administers", "GUARD")), ""),
    ]
    found = {item.key: item for item in findings(country, "disputed-in-chain")}
    assert found["disputed-in-chain:ARMY+JUNTA"].subjects == (country.id("ARMY"), country.id("JUNTA"))


def test_a_disputed_force_is_not_found_under_itself() -> None:
    # A disputed force starts the chain: it is found under the ministry above it, never under itself.
    country = model_country().change("ARMY", legitimacy_disputed=True)
    assert keys(country, "disputed-in-chain") == set()
    country.node("UNIT", "armed_forces", parent="ARMY")
    assert evidence(country, "disputed-in-chain") == [
        ("path", "disputed_in_chain", ("UNIT",), (("ARMY", "parent_of", "UNIT"),), "")
    ]


def test_irregular_forces_evidence_names_what_is_missing() -> None:
    country = model_country().without("MOD", "administers", "GUARD").edge("PRES", "commands", "GUARD")
    assert evidence(country, "irregular-forces") == [
        ("missing", "no_parliamentary_oversight", ("GUARD",), (), ""),
        ("missing", "outside_ministry_chain", ("GUARD",), (), ""),
    ]
    # Parliament overseeing the ministry above the guard covers it; the guard stays in the ministry's chain.
    assert evidence(model_country(), "irregular-forces", overseer_kinds=["defence_committee"]) == [
        ("missing", "no_parliamentary_oversight", ("GUARD",), (), "")
    ]


def test_legal_basis_evidence_is_the_link_or_the_mandate() -> None:
    country = model_country().edge("MOD", "commands", "ARMY", legal_basis="").change("COURT", has_mandate=False)
    assert evidence(country, "legal-basis") == [
        ("edge", "relationship_without_legal_basis", (), (("MOD", "commands", "ARMY"),), ""),
        ("fact", "no_mandate", ("COURT",), (), ""),
    ]
    # A statutory body only: the media need no mandate even when their family is named.
    media = model_country().change("MEDIA", has_mandate=False)
    assert keys(media, "legal-basis", mandate_families=["public_information"]) == set()


def test_military_courts_evidence_is_the_jurisdiction_link() -> None:
    country = model_country().edge("MILCOURT", "adjudicates", "MEDIA")
    assert evidence(country, "military-courts") == [
        ("edge", "military_court_over_civilians", ("MEDIA",), (("MILCOURT", "adjudicates", "MEDIA"),), "")
    ]
    assert keys(model_country().edge("MILCOURT", "oversees", "MEDIA"), "military-courts") == set()


def test_oversight_independence_evidence_is_the_commanding_link() -> None:
    country = model_country().edge("GOV", "commands", "AUDIT")
    assert evidence(country, "oversight-independence") == [
        ("edge", "oversight_body_commanded", ("AUDIT",), (("GOV", "commands", "AUDIT"),), "")
    ]
    # Only the executive and the forces are read: a court commanding the ombudsman is outside this rule.
    assert keys(model_country().edge("COURT", "commands", "OMB"), "oversight-independence") == set()
    assert keys(model_country().edge("GOV", "administers", "AUDIT"), "oversight-independence") == set()


def test_non_statutory_forces_evidence_is_the_link() -> None:
    country = model_country().node("MILITIA", "paramilitary", statutory=False)
    country.edge("MOD", "commands", "MILITIA").edge("MILITIA", "coordinates_with", "POLICE")
    assert evidence(country, "non-statutory-forces") == [
        ("edge", "non_statutory_force", (), (("MILITIA", "coordinates_with", "POLICE"),), "")
    ]


def test_the_parameter_helper_keeps_each_text_in_its_place() -> None:
    parameter = _kinds("English", "Français", "some_kinds", ("police",))
    assert (parameter.name, parameter.label_en, parameter.label_fr, parameter.default) == (
        "some_kinds",
        "English",
        "Français",
        ("police",),
    )


def test_a_link_to_an_actor_outside_the_graph_is_ignored_by_every_rule() -> None:
    # A graph may hold a relationship whose other end is not in it (an actor of another country, or one left out):
    # no rule may read that end, and none finds anything because of the link.
    country = model_country()
    graph = country.graph()
    outside = 99_999
    dangling = [
        Edge(id=5000 + index, source=source, target=target, type=type, legal_basis="")
        for index, (source, target, type) in enumerate(
            (source, target, type)
            for type in sorted(taxonomy.RELATIONSHIP_TYPE_BY_CODE)
            for source, target in ((country.id("ARMY"), outside), (outside, country.id("ARMY")))
        )
    ]
    with_dangling = Graph.build(graph.nodes.values(), [*graph.edges, *dangling])
    assert run(with_dangling) == []
    militia = model_country().node("MILITIA", "paramilitary", statutory=False).graph()
    linked = Graph.build(
        militia.nodes.values(),
        [*militia.edges, Edge(id=6000, source=country.id("ARMY"), target=outside, type="commands", legal_basis="")],
    )
    assert {item.key for item in run(linked)} == {item.key for item in run(militia)}


def test_rules_reading_parliamentary_oversight_with_different_bodies_do_not_share_their_reach() -> None:
    # The reach of parliament's oversight is computed once per graph and set of bodies: a rule given other bodies
    # must not be answered with the reach of the first.
    graph = model_country().graph()
    overrides = {"irregular-forces": {"overseer_kinds": ["defence_committee"]}}
    rules = [RULE_BY_CODE["parliamentary-oversight"], RULE_BY_CODE["irregular-forces"]]
    assert {item.key for item in run(graph, overrides=overrides, rules=rules)} == {"irregular-forces:GUARD"}
    assert {item.key for item in run(graph, overrides=overrides, rules=rules[::-1])} == {"irregular-forces:GUARD"}
