"""The governance rules on graphs built by hand: no database.

Each rule is tried on the model country (a small, well-governed system on which nothing is found) and on a
variant that breaks exactly what the rule looks for; its parameters are tried the same way.
"""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egide.core import taxonomy
from egide.governance.engine import compare, describe, run, visible_findings
from egide.governance.findings import Finding
from egide.governance.graph import Edge, Graph, Node
from egide.governance.rules import PARLIAMENT, RULE_BY_CODE, RULES, Rule
from tests.governance.graphs import Builder, findings, keys, model_country

TESTED_RULES = {
    "civilian-chain",
    "parliamentary-oversight",
    "judicial-jurisdiction",
    "budget-control",
    "ombudsman",
    "intelligence",
    "civilian-prisons",
    "judicial-independence",
    "public-scrutiny",
    "border-coordination",
    "disputed-in-chain",
    "irregular-forces",
    "legal-basis",
    "military-courts",
    "oversight-independence",
    "non-statutory-forces",
}


def test_every_rule_is_tested_here_and_declared_fully() -> None:
    assert {rule.code for rule in RULES} == TESTED_RULES
    assert len(RULES) == 16
    principles = {term.code for term in taxonomy.PRINCIPLES}
    areas = {term.code for term in taxonomy.AREAS_OF_ACTION}
    for rule in RULES:
        assert all((rule.title_en, rule.title_fr, rule.explanation_en, rule.explanation_fr)), rule.code
        assert rule.principle in principles, rule.code
        assert rule.area in areas, rule.code
        assert rule.severity in ("high", "medium", "low"), rule.code
        for parameter in rule.parameters:
            assert all((parameter.label_en, parameter.label_fr))
            if not isinstance(parameter.default, bool):
                known = set(taxonomy.KIND_BY_CODE) | set(taxonomy.RELATIONSHIP_TYPE_BY_CODE) | taxonomy.ALL_FAMILIES
                assert set(parameter.default) <= known, (rule.code, parameter.name)


def test_the_model_country_has_no_finding() -> None:
    assert run(model_country().graph()) == []


def _texts(items: list[Finding], graph: Graph) -> list[str]:
    return [describe(piece, graph, language="en") for item in items for piece in item.evidence]


# --- 1. Civilian chain -----------------------------------------------------------------------------------------------


def test_civilian_chain_finds_a_force_no_civilian_authority_reaches() -> None:
    country = model_country().without("MOD", "administers", "ARMY")
    assert keys(country, "civilian-chain") == {"civilian-chain:ARMY"}
    assert keys(model_country(), "civilian-chain") == set()


def test_civilian_chain_follows_commands_reporting_and_the_hierarchy() -> None:
    commanded = model_country().without("MOD", "administers", "ARMY").edge("PRES", "commands", "ARMY")
    assert keys(commanded, "civilian-chain") == set()
    child = model_country().without("MOD", "administers", "ARMY").change("ARMY", parent=commanded.id("MOD"))
    assert keys(child, "civilian-chain") == set()
    # A force that reports to a civilian authority answers to it.
    reporting = model_country().without("MOD", "administers", "ARMY").edge("ARMY", "reports_to", "MOD")
    assert keys(reporting, "civilian-chain") == set()
    cut = model_country().without("MOD", "administers", "ARMY")
    assert keys(cut, "civilian-chain") == {"civilian-chain:ARMY"}


def test_civilian_chain_leaves_non_statutory_forces_to_other_rules() -> None:
    country = model_country().node("MILITIA", "paramilitary", statutory=False)
    assert keys(country, "civilian-chain") == set()


def test_civilian_chain_parameters_choose_the_authorities_and_the_forces() -> None:
    country = model_country().without("MOD", "administers", "ARMY").edge("PRES", "commands", "ARMY")
    without_president = list(RULE_BY_CODE["civilian-chain"].defaults()["civilian_kinds"])
    without_president.remove("head_of_state")
    assert keys(country, "civilian-chain", civilian_kinds=without_president) == {"civilian-chain:ARMY"}
    assert keys(country, "civilian-chain", civilian_kinds=["ministry_of_defence"]) == {
        "civilian-chain:POLICE",
        "civilian-chain:BORDER",
        "civilian-chain:CUSTOMS",
        "civilian-chain:INTEL",
        "civilian-chain:ARMY",
    }
    unreached = model_country().without("MOD", "administers", "ARMY")
    assert keys(unreached, "civilian-chain", subject_kinds=["police"]) == set()


# --- 2. Parliamentary oversight --------------------------------------------------------------------------------------


def test_parliamentary_oversight_finds_forces_no_parliamentary_body_reaches() -> None:
    country = model_country().without("PARL", "oversees", "GOV")
    assert keys(country, "parliamentary-oversight") == {
        f"parliamentary-oversight:{reference}" for reference in ("ARMY", "GUARD", "POLICE", "BORDER", "CUSTOMS")
    }  # the intelligence service is overseen by the defence committee directly
    assert keys(model_country(), "parliamentary-oversight") == set()


def test_parliamentary_oversight_through_a_ministry_and_a_committee() -> None:
    country = model_country().without("PARL", "oversees", "GOV").edge("DEFCOM", "oversees", "MOD")
    assert keys(country, "parliamentary-oversight") == {
        f"parliamentary-oversight:{reference}" for reference in ("POLICE", "BORDER", "CUSTOMS")
    }


def test_parliamentary_oversight_parameter_chooses_the_overseers() -> None:
    country = model_country().without("PARL", "oversees", "GOV").edge("DEFCOM", "oversees", "MOD")
    assert "parliamentary-oversight:ARMY" in keys(country, "parliamentary-oversight", overseer_kinds=["parliament"])
    assert keys(model_country(), "parliamentary-oversight", overseer_kinds=["defence_committee"]) == {
        f"parliamentary-oversight:{reference}" for reference in ("ARMY", "GUARD", "POLICE", "BORDER", "CUSTOMS")
    }


# --- 3. Judicial jurisdiction ----------------------------------------------------------------------------------------


def test_judicial_jurisdiction_finds_forces_outside_the_courts() -> None:
    country = model_country().without("COURT", "adjudicates", "GOV")
    assert keys(country, "judicial-jurisdiction") == {
        f"judicial-jurisdiction:{reference}" for reference in ("GUARD", "POLICE", "INTEL", "BORDER", "CUSTOMS")
    }  # the army stays under the military court
    assert keys(model_country(), "judicial-jurisdiction") == set()


def test_judicial_jurisdiction_counts_a_prosecution_overseeing_a_force_and_its_parameter() -> None:
    country = model_country().without("COURT", "adjudicates", "GOV").edge("PROSEC", "oversees", "MOI")
    assert keys(country, "judicial-jurisdiction") == {
        f"judicial-jurisdiction:{reference}" for reference in ("GUARD", "INTEL", "CUSTOMS")
    }
    assert "judicial-jurisdiction:ARMY" not in keys(model_country(), "judicial-jurisdiction")
    assert keys(model_country(), "judicial-jurisdiction", jurisdiction_kinds=["military_court"]) == {
        f"judicial-jurisdiction:{reference}" for reference in ("GUARD", "POLICE", "INTEL", "BORDER", "CUSTOMS")
    }


# --- 4. Budget control -----------------------------------------------------------------------------------------------


def test_budget_control_finds_budgets_not_voted_or_not_audited() -> None:
    unaudited = model_country().without("AUDIT", "audits", "OMB")
    found = findings(unaudited, "budget-control")
    assert [item.key for item in found] == ["budget-control:OMB"]
    assert [piece.message for piece in found[0].evidence] == ["budget_not_audited"]
    unvoted = model_country().without("PARL", "funds", "GOV")
    found = findings(unvoted, "budget-control")
    assert {item.key for item in found} == {
        f"budget-control:{reference}"
        for reference in ("MOJ", "ARMY", "GUARD", "POLICE", "INTEL", "BORDER", "CUSTOMS", "PRISONS")
    }
    assert {piece.message for item in found for piece in item.evidence} == {"budget_not_voted"}
    assert keys(model_country(), "budget-control") == set()


def test_budget_control_both_missing_is_one_finding_with_two_pieces_of_evidence() -> None:
    country = model_country().without("AUDIT", "audits", "OMB").without("PARL", "funds", "OMB")
    (found,) = findings(country, "budget-control")
    assert [piece.message for piece in found.evidence] == ["budget_not_voted", "budget_not_audited"]


def test_budget_control_parameters_and_non_statutory_actors() -> None:
    country = model_country().without("AUDIT", "audits", "OMB")
    assert keys(country, "budget-control", excluded_kinds=["ombudsman"]) == set()
    assert keys(model_country(), "budget-control", audit_kinds=["inspectorate"]) != set()
    assert keys(model_country(), "budget-control", voting_kinds=["finance_committee"]) != set()
    assert keys(model_country().node("MILITIA", "paramilitary", statutory=False), "budget-control") == set()


# --- 5. Ombudsman ----------------------------------------------------------------------------------------------------


def test_ombudsman_missing_or_not_covering_the_forces() -> None:
    absent = model_country().without_node("OMB")
    assert keys(absent, "ombudsman") == {"ombudsman:"}
    idle = model_country().without("OMB", "scrutinises", "POLICE")
    found = findings(idle, "ombudsman")
    assert [item.key for item in found] == ["ombudsman:OMB"]
    assert _texts(found, idle.graph()) == ["Omb has no recorded oversight or scrutiny of the security providers."]
    assert keys(model_country(), "ombudsman") == set()


def test_ombudsman_covers_forces_through_a_ministry_and_its_parameter() -> None:
    through_ministry = model_country().without("OMB", "scrutinises", "POLICE").edge("OMB", "oversees", "MOI")
    assert keys(through_ministry, "ombudsman") == set()
    commission = model_country().node("HRC", "human_rights_commission").edge("HRC", "scrutinises", "ARMY")
    commission.without_node("OMB")
    assert keys(commission, "ombudsman") == set()
    assert keys(commission, "ombudsman", ombudsman_kinds=["ombudsman"]) == {"ombudsman:"}


# --- 6. Intelligence -------------------------------------------------------------------------------------------------


def test_intelligence_needs_a_mandate_and_a_dedicated_overseer() -> None:
    unmandated = model_country().change("INTEL", has_mandate=False)
    (found,) = findings(unmandated, "intelligence")
    assert found.key == "intelligence:INTEL"
    assert [piece.message for piece in found.evidence] == ["no_mandate"]
    unwatched = model_country().without("DEFCOM", "oversees", "INTEL")
    (found,) = findings(unwatched, "intelligence")
    assert [piece.message for piece in found.evidence] == ["no_dedicated_oversight"]
    assert keys(model_country(), "intelligence") == set()


def test_intelligence_oversight_must_be_direct_and_by_a_dedicated_kind() -> None:
    # Parliament overseeing the government reaches the service, but is not a dedicated overseer.
    assert keys(model_country().without("DEFCOM", "oversees", "INTEL"), "intelligence") == {"intelligence:INTEL"}
    inspected = model_country().without("DEFCOM", "oversees", "INTEL").node("IG", "inspectorate")
    inspected.edge("IG", "oversees", "INTEL")
    assert keys(inspected, "intelligence") == set()
    assert keys(model_country(), "intelligence", oversight_kinds=["inspectorate"]) == {"intelligence:INTEL"}
    military = model_country().node("MI", "military_intelligence", has_mandate=False)
    assert keys(military, "intelligence") == {"intelligence:MI"}
    assert keys(military, "intelligence", intelligence_kinds=["civilian_intelligence"]) == set()


# --- 7. Civilian prisons ---------------------------------------------------------------------------------------------


def test_civilian_prisons_finds_military_administration() -> None:
    military = model_country().without("MOJ", "administers", "PRISONS").edge("MOD", "administers", "PRISONS")
    found = findings(military, "civilian-prisons")
    assert [item.key for item in found] == ["civilian-prisons:PRISONS:military"]
    assert found[0].evidence[0].edges == ()
    assert found[0].edge_ids == {military.edges[-1].id}
    also = model_country().edge("ARMY", "commands", "PRISONS")  # even beside a civilian ministry
    assert keys(also, "civilian-prisons") == {"civilian-prisons:PRISONS:military"}
    assert keys(model_country(), "civilian-prisons") == set()


def test_civilian_prisons_finds_no_civilian_ministry_and_counts_the_hierarchy() -> None:
    orphan = model_country().without("MOJ", "administers", "PRISONS")
    assert keys(orphan, "civilian-prisons") == {"civilian-prisons:PRISONS:civilian"}
    child = model_country().without("MOJ", "administers", "PRISONS").change("PRISONS", parent=orphan.id("MOJ"))
    assert keys(child, "civilian-prisons") == set()


def test_civilian_prisons_parameters() -> None:
    gendarmes = model_country().without("MOJ", "administers", "PRISONS").edge("MOI", "administers", "PRISONS")
    assert keys(gendarmes, "civilian-prisons") == set()
    assert keys(gendarmes, "civilian-prisons", military_kinds=["ministry_of_interior"]) == {
        "civilian-prisons:PRISONS:military"
    }
    assert keys(model_country(), "civilian-prisons", civilian_kinds=["ministry_of_interior"]) == {
        "civilian-prisons:PRISONS:civilian"
    }


# --- 8. Judicial independence ----------------------------------------------------------------------------------------


def test_judicial_independence_finds_the_executive_or_a_force_commanding_the_judiciary() -> None:
    commanded = model_country().edge("GOV", "commands", "PROSEC")
    found = findings(commanded, "judicial-independence")
    assert [item.key for item in found] == ["judicial-independence:GOV+PROSEC"]
    assert _texts(found, commanded.graph()) == [
        "Gov commands Prosec: the judiciary and the prosecution may be appointed, not commanded."
    ]
    by_force = model_country().edge("ARMY", "commands", "MILCOURT")
    assert keys(by_force, "judicial-independence") == {"judicial-independence:ARMY+MILCOURT"}
    assert keys(model_country(), "judicial-independence") == set()


def test_judicial_independence_allows_appointing_and_its_parameter() -> None:
    appointed = model_country().edge("PRES", "appoints", "COURT").edge("GOV", "administers", "COURT")
    assert keys(appointed, "judicial-independence") == set()
    commanded = model_country().edge("GOV", "commands", "PROSEC")
    assert keys(commanded, "judicial-independence", protected_kinds=["court"]) == set()


# --- 9. Public scrutiny ----------------------------------------------------------------------------------------------


def test_public_scrutiny_finds_no_media_or_no_scrutiny() -> None:
    (absent,) = findings(model_country().without_node("MEDIA"), "public-scrutiny")
    assert (absent.key, [piece.message for piece in absent.evidence]) == ("public-scrutiny::media", ["no_media"])
    silent = model_country().without("MEDIA", "scrutinises", "ARMY")
    (found,) = findings(silent, "public-scrutiny")
    assert (found.key, [piece.message for piece in found.evidence]) == (
        "public-scrutiny::media",
        ["media_not_scrutinising"],
    )
    assert keys(model_country(), "public-scrutiny") == set()


def test_public_scrutiny_checks_civil_society_apart_from_the_media() -> None:
    """A radio that scrutinises the army does not stand in for civil society, nor the reverse."""
    (absent,) = findings(model_country().without_node("LEAGUE"), "public-scrutiny")
    assert (absent.key, [piece.message for piece in absent.evidence]) == (
        "public-scrutiny::civil-society",
        ["no_civil_society"],
    )
    silent = model_country().without("LEAGUE", "scrutinises", "POLICE")
    (found,) = findings(silent, "public-scrutiny")
    assert found.key == "public-scrutiny::civil-society"
    assert found.node_ids == {silent.id("LEAGUE")}
    assert _texts([found], silent.graph()) == [
        "No civil-society organisation is recorded as scrutinising the security providers."
    ]
    both = model_country().without("LEAGUE", "scrutinises", "POLICE").without("MEDIA", "scrutinises", "ARMY")
    assert keys(both, "public-scrutiny") == {"public-scrutiny::media", "public-scrutiny::civil-society"}
    # A research institute counts as civil society unless the team says otherwise.
    institute = model_country().without_node("LEAGUE").node("UNIV", "research_institute", statutory=False)
    institute.edge("UNIV", "scrutinises", "ARMY")
    assert keys(institute, "public-scrutiny") == set()
    assert keys(institute, "public-scrutiny", civil_society_kinds=["civil_society"]) == {
        "public-scrutiny::civil-society"
    }
    assert keys(model_country(), "public-scrutiny", media_kinds=["civil_society"]) == set()


def test_public_scrutiny_of_a_watched_ministry_counts_and_its_parameter() -> None:
    ministry = model_country().without("MEDIA", "scrutinises", "ARMY").edge("MEDIA", "scrutinises", "MOD")
    assert keys(ministry, "public-scrutiny") == set()
    assert keys(ministry, "public-scrutiny", watched_kinds=[]) == {"public-scrutiny::media"}
    court = model_country().without("MEDIA", "scrutinises", "ARMY").edge("MEDIA", "scrutinises", "COURT")
    assert keys(court, "public-scrutiny") == {"public-scrutiny::media"}


# --- 10. Border coordination -----------------------------------------------------------------------------------------


def test_border_coordination_finds_bodies_that_do_not_coordinate_or_are_missing() -> None:
    apart = model_country().without("BORDER", "coordinates_with", "CUSTOMS")
    found = findings(apart, "border-coordination")
    assert [item.key for item in found] == ["border-coordination:BORDER+CUSTOMS"]
    assert _texts(found, apart.graph()) == ["Border and Customs are not recorded as coordinating with each other."]
    assert keys(model_country().without_node("CUSTOMS"), "border-coordination") == {"border-coordination::customs"}
    assert keys(model_country(), "border-coordination") == set()


def test_border_coordination_either_direction_and_parameters() -> None:
    reverse = model_country().without("BORDER", "coordinates_with", "CUSTOMS")
    reverse.edge("CUSTOMS", "coordinates_with", "BORDER")
    assert keys(reverse, "border-coordination") == set()
    assert keys(model_country(), "border-coordination", coastal=True) == {"border-coordination::coast_guard"}
    coast = model_country().node("COAST", "coast_guard").edge("COAST", "coordinates_with", "BORDER")
    assert keys(coast, "border-coordination", coastal=True) == {"border-coordination:COAST+CUSTOMS"}
    apart = model_country().without("BORDER", "coordinates_with", "CUSTOMS")
    assert keys(apart, "border-coordination", required_kinds=["customs"]) == set()


# --- 11. Disputed actors in a chain ----------------------------------------------------------------------------------


def test_disputed_in_chain_finds_a_disputed_actor_above_a_statutory_force() -> None:
    country = model_country().node("JUNTA", "security_council", legitimacy_disputed=True)
    country.edge("JUNTA", "commands", "MOD")
    found = findings(country, "disputed-in-chain")
    assert {item.key for item in found} == {"disputed-in-chain:ARMY+JUNTA", "disputed-in-chain:GUARD+JUNTA"}
    army = next(item for item in found if item.key == "disputed-in-chain:ARMY+JUNTA")
    assert _texts([army], country.graph()) == [
        "An actor whose legitimacy is disputed sits on the chain of Army: Junta commands Mod; Mod administers Army."
    ]
    assert keys(model_country(), "disputed-in-chain") == set()


def test_disputed_in_chain_ignores_cooperation_and_non_statutory_forces() -> None:
    cooperating = model_country().node("JUNTA", "security_council", legitimacy_disputed=True)
    cooperating.edge("JUNTA", "coordinates_with", "ARMY").edge("JUNTA", "appoints", "GOV")
    assert keys(cooperating, "disputed-in-chain") == set()
    militia = model_country().node("WARLORD", "paramilitary", statutory=False, legitimacy_disputed=True)
    militia.node("MILITIA", "paramilitary", statutory=False).edge("WARLORD", "commands", "MILITIA")
    assert keys(militia, "disputed-in-chain") == set()
    child = model_country().change("MOD", legitimacy_disputed=True)
    assert keys(child, "disputed-in-chain") == {"disputed-in-chain:ARMY+MOD", "disputed-in-chain:GUARD+MOD"}


# --- 12. Irregular forces --------------------------------------------------------------------------------------------


def test_irregular_forces_finds_a_guard_outside_ministries_and_oversight() -> None:
    country = model_country().without("MOD", "administers", "GUARD").edge("PRES", "commands", "GUARD")
    (found,) = findings(country, "irregular-forces")
    assert found.key == "irregular-forces:GUARD"
    assert [piece.message for piece in found.evidence] == ["outside_ministry_chain", "no_parliamentary_oversight"]
    assert keys(model_country(), "irregular-forces") == set()


def test_irregular_forces_checks_oversight_separately_and_its_parameters() -> None:
    overseen = model_country().without("MOD", "administers", "GUARD").edge("PRES", "commands", "GUARD")
    overseen.edge("DEFCOM", "oversees", "GUARD")
    (found,) = findings(overseen, "irregular-forces")
    assert [piece.message for piece in found.evidence] == ["outside_ministry_chain"]
    assert keys(overseen, "irregular-forces", ministry_kinds=["head_of_state"]) == set()
    assert keys(model_country(), "irregular-forces", ministry_kinds=["ministry_of_interior"]) == {
        "irregular-forces:GUARD"
    }
    paramilitary = model_country().node("GENDFORCE", "paramilitary")
    assert keys(paramilitary, "irregular-forces") == {"irregular-forces:GENDFORCE"}
    assert keys(paramilitary, "irregular-forces", subject_kinds=["presidential_guard"]) == set()
    militia = model_country().node("MILITIA", "paramilitary", statutory=False)
    assert keys(militia, "irregular-forces") == set()  # the non-statutory rule reads it
    assert keys(model_country(), "irregular-forces", overseer_kinds=["defence_committee"]) == {"irregular-forces:GUARD"}


# --- 13. Legal basis -------------------------------------------------------------------------------------------------


def test_legal_basis_finds_relationships_and_mandates_without_one() -> None:
    country = model_country().edge("MOD", "commands", "ARMY", legal_basis="  ").change("COURT", has_mandate=False)
    found = findings(country, "legal-basis")
    assert [item.key for item in found] == ["legal-basis:ARMY+MOD:commands", "legal-basis:COURT:mandate"]
    assert {item.severity for item in found} == {"low"}
    assert _texts(found, country.graph())[0] == "Mod commands Army: no legal basis is recorded."
    assert keys(model_country(), "legal-basis") == set()


def test_legal_basis_leaves_out_other_types_and_families_and_its_parameters() -> None:
    country = model_country().edge("ARMY", "coordinates_with", "POLICE", legal_basis="")
    country.change("MEDIA", has_mandate=False).change("MOD", has_mandate=False)
    assert keys(country, "legal-basis") == set()
    assert keys(country, "legal-basis", relationship_types=["coordinates_with"]) == {
        "legal-basis:ARMY+POLICE:coordinates_with"
    }
    assert keys(country, "legal-basis", mandate_families=["management"]) == {"legal-basis:MOD:mandate"}
    militia = model_country().node("MILITIA", "paramilitary", statutory=False, has_mandate=False)
    assert keys(militia, "legal-basis") == set()


# --- 14. Military courts ---------------------------------------------------------------------------------------------


def test_military_courts_finds_jurisdiction_over_civilians() -> None:
    country = model_country().edge("MILCOURT", "adjudicates", "MEDIA")
    found = findings(country, "military-courts")
    assert [item.key for item in found] == ["military-courts:MEDIA+MILCOURT"]
    assert found[0].severity == "medium"
    assert keys(model_country().edge("MILCOURT", "adjudicates", "GOV"), "military-courts") == {
        "military-courts:GOV+MILCOURT"
    }
    assert keys(model_country(), "military-courts") == set()  # the military court tries the army only
    assert keys(model_country().edge("COURT", "adjudicates", "MEDIA"), "military-courts") == set()


# --- 15. Oversight independence --------------------------------------------------------------------------------------


def test_oversight_independence_finds_a_commanded_oversight_body() -> None:
    country = model_country().edge("GOV", "commands", "AUDIT").edge("ARMY", "commands", "OMB")
    assert keys(country, "oversight-independence") == {
        "oversight-independence:AUDIT+GOV",
        "oversight-independence:ARMY+OMB",
    }
    assert keys(model_country().edge("PRES", "commands", "DEFCOM"), "oversight-independence") == {
        "oversight-independence:DEFCOM+PRES"  # every supervisory body, whatever the parameter
    }
    assert keys(model_country(), "oversight-independence") == set()


def test_oversight_independence_allows_appointing_and_its_parameter() -> None:
    appointed = model_country().edge("PRES", "appoints", "AUDIT").edge("PRES", "appoints", "OMB")
    assert keys(appointed, "oversight-independence") == set()
    commanded = model_country().edge("GOV", "commands", "AUDIT")
    assert keys(commanded, "oversight-independence", oversight_kinds=["ombudsman"]) == set()


# --- 16. Non-statutory forces ----------------------------------------------------------------------------------------


def test_non_statutory_forces_finds_statutory_forces_working_with_armed_groups() -> None:
    country = model_country().node("MILITIA", "paramilitary", statutory=False)
    country.edge("ARMY", "coordinates_with", "MILITIA", legal_basis="").edge("MOD", "funds", "MILITIA")
    assert keys(country, "non-statutory-forces") == {"non-statutory-forces:ARMY+MILITIA:coordinates_with"}
    country.edge("ARMY", "funds", "MILITIA")
    assert keys(country, "non-statutory-forces") == {
        "non-statutory-forces:ARMY+MILITIA:coordinates_with",
        "non-statutory-forces:ARMY+MILITIA:funds",
    }
    assert keys(model_country(), "non-statutory-forces") == set()  # army and police coordinate: both statutory


def test_non_statutory_forces_parameter_and_links_between_two_armed_groups() -> None:
    country = model_country().node("MILITIA", "paramilitary", statutory=False)
    country.edge("ARMY", "coordinates_with", "MILITIA")
    assert keys(country, "non-statutory-forces", relationship_types=["commands"]) == set()
    groups = model_country().node("A", "paramilitary", statutory=False).node("B", "paramilitary", statutory=False)
    groups.edge("A", "coordinates_with", "B")
    assert keys(groups, "non-statutory-forces") == set()


def test_a_link_recorded_twice_is_one_finding_with_both_pieces_of_evidence() -> None:
    country = model_country().node("MILITIA", "paramilitary", statutory=False)
    country.edge("ARMY", "coordinates_with", "MILITIA", confidence="high")
    country.edge("MILITIA", "coordinates_with", "ARMY", confidence="low")
    (found,) = findings(country, "non-statutory-forces")
    assert len(found.evidence) == 2
    assert found.confidence == "low"
    assert found.edge_ids == {edge.id for edge in country.edges[-2:]}


# --- The date the map is read at -------------------------------------------------------------------------------------


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_a_relationship_counts_from_its_start_and_until_its_end() -> None:
    country = model_country().without("PARL", "oversees", "GOV").edge("PARL", "oversees", "GOV", start="2015")
    assert keys(country, "parliamentary-oversight", as_of=_day("2014-12-31")) != set()
    assert keys(country, "parliamentary-oversight", as_of=_day("2015-01-01")) == set()  # the whole year counts
    assert keys(country, "parliamentary-oversight", as_of=_day("2020-06-01")) == set()
    ended = model_country().without("PARL", "oversees", "GOV").edge("PARL", "oversees", "GOV", end="2012")
    assert keys(ended, "parliamentary-oversight", as_of=_day("2012-12-31")) == set()  # so does the year it ended
    assert keys(ended, "parliamentary-oversight", as_of=_day("2013-01-01")) != set()
    assert keys(ended, "parliamentary-oversight", as_of=_day("2005-01-01")) == set()


def test_imprecise_months_and_exact_days() -> None:
    edge = Edge(1, 1, 2, "oversees", start=None, end=None)
    assert edge.valid_on(_day("1900-01-01"))
    month = Edge(1, 1, 2, "oversees", start=_parse("2015-03"), end=_parse("2016-02"))
    assert not month.valid_on(_day("2015-02-28"))
    assert month.valid_on(_day("2015-03-01"))
    assert month.valid_on(_day("2016-02-29"))
    assert not month.valid_on(_day("2016-03-01"))
    day = Edge(1, 1, 2, "oversees", start=_parse("2015-03-10"), end=_parse("2015-03-20"))
    assert [day.valid_on(_day(text)) for text in ("2015-03-09", "2015-03-10", "2015-03-20", "2015-03-21")] == [
        False,
        True,
        True,
        False,
    ]


def _parse(text: str):  # type: ignore[no-untyped-def]
    from egide.core.fuzzy_dates import FuzzyDate

    return FuzzyDate.parse(text)


def test_without_a_date_every_relationship_counts() -> None:
    ended = model_country().without("PARL", "oversees", "GOV").edge("PARL", "oversees", "GOV", end="2012")
    assert keys(ended, "parliamentary-oversight") == set()


# --- Comparing two dates ---------------------------------------------------------------------------------------------


def test_compare_two_dates() -> None:
    country = model_country().without("PARL", "oversees", "GOV").without("MOD", "administers", "ARMY")
    country.edge("PARL", "oversees", "GOV", start="2015")  # oversight came in 2015
    country.edge("MOD", "administers", "ARMY", end="2019")  # the ministry lost the army in 2019
    before = run(country.graph(), as_of=_day("2010-06-01"))
    after = run(country.graph(), as_of=_day("2024-06-01"))
    comparison = compare(before, after)
    appeared = {item.key for item in comparison.appeared}
    disappeared = {item.key for item in comparison.disappeared}
    stayed = {item.key for item in comparison.stayed}
    assert "civilian-chain:ARMY" in appeared
    assert "parliamentary-oversight:POLICE" in disappeared
    assert "parliamentary-oversight:ARMY" in stayed  # unreached in 2010 and again in 2024
    assert len(appeared) + len(disappeared) + len(stayed) == len(appeared | disappeared | stayed)
    assert appeared | stayed == {item.key for item in after}
    assert disappeared | stayed == {item.key for item in before}
    same = compare(after, after)
    assert (same.appeared, same.disappeared, len(same.stayed)) == ([], [], len(after))


# --- Keys, confidence, visibility ------------------------------------------------------------------------------------


def test_the_key_is_made_of_the_rule_and_references_and_stays_the_same() -> None:
    country = model_country().node("MILITIA", "paramilitary", statutory=False)
    country.edge("MILITIA", "coordinates_with", "ARMY")
    first = {item.key for item in run(country.graph())}
    assert "non-statutory-forces:ARMY+MILITIA:coordinates_with" in first
    # The same map with other ids, nodes in another order and the edge the other way round.
    renumbered = Builder()
    for reference, node in reversed(list(country.nodes.items())):
        renumbered.nodes[reference] = Node(
            id=node.id + 500,
            reference=reference,
            name=node.name,
            family=node.family,
            kind=node.kind,
            statutory=node.statutory,
            legitimacy_disputed=node.legitimacy_disputed,
            has_mandate=node.has_mandate,
            parent=node.parent + 500 if node.parent else None,
        )
    by_id = {node.id: reference for reference, node in country.nodes.items()}
    for edge in country.edges:
        source, target = by_id[edge.source], by_id[edge.target]
        if edge.type == "coordinates_with" and "MILITIA" in (source, target):
            source, target = target, source
        renumbered.edge(source, edge.type, target, legal_basis=edge.legal_basis)
    assert {item.key for item in run(renumbered.graph())} == first
    assert {item.key for item in run(country.graph(), as_of=_day("2000-01-01"))} == first


def test_confidence_is_that_of_the_weakest_fact() -> None:
    country = model_country().node("JUNTA", "security_council", legitimacy_disputed=True, confidence="high")
    country.change("ARMY", confidence="high").change("MOD", confidence="high")
    country.edge("JUNTA", "commands", "MOD", confidence="high")
    country.without("MOD", "administers", "ARMY").edge("MOD", "administers", "ARMY", confidence="low")
    found = {item.key: item for item in findings(country, "disputed-in-chain")}
    assert found["disputed-in-chain:ARMY+JUNTA"].confidence == "low"  # the administration edge is uncertain
    assert found["disputed-in-chain:GUARD+JUNTA"].confidence == "medium"  # the guard itself is of medium confidence
    certain = model_country().change("INTEL", confidence="high", has_mandate=False)
    assert findings(certain, "intelligence")[0].confidence == "high"
    doubtful = model_country().change("INTEL", confidence="low", has_mandate=False)
    assert findings(doubtful, "intelligence")[0].confidence == "low"


def test_visible_findings_drop_those_resting_on_hidden_records() -> None:
    country = model_country().node("JUNTA", "security_council", legitimacy_disputed=True)
    country.edge("JUNTA", "commands", "MOD").change("INTEL", has_mandate=False)
    graph = country.graph()
    found = run(graph)
    every_node, every_edge = set(graph.nodes), {edge.id for edge in graph.edges}
    all_keys = {item.key for item in found}
    assert {"disputed-in-chain:ARMY+JUNTA", "intelligence:INTEL"} <= all_keys
    assert visible_findings(found, nodes=every_node, edges=every_edge) == found
    junta_edge = country.edges[-1].id
    without_edge = {item.key for item in visible_findings(found, nodes=every_node, edges=every_edge - {junta_edge})}
    assert "disputed-in-chain:ARMY+JUNTA" not in without_edge
    assert "intelligence:INTEL" in without_edge
    # The chain passes through the ministry: hiding it hides the finding even though the army is visible.
    without_ministry = every_node - {country.id("MOD")}
    assert "disputed-in-chain:ARMY+JUNTA" not in {
        item.key for item in visible_findings(found, nodes=without_ministry, edges=every_edge)
    }
    without_intel = {
        item.key for item in visible_findings(found, nodes=every_node - {country.id("INTEL")}, edges=every_edge)
    }
    assert "intelligence:INTEL" not in without_intel
    assert "disputed-in-chain:ARMY+JUNTA" in without_intel


def test_findings_carry_their_rule_severity_principle_and_area_most_severe_first() -> None:
    country = model_country().without("PARL", "oversees", "GOV").edge("MOD", "commands", "ARMY", legal_basis="")
    found = run(country.graph())
    order = {"high": 0, "medium": 1, "low": 2}
    assert [order[item.severity] for item in found] == sorted(order[item.severity] for item in found)
    for item in found:
        rule = RULE_BY_CODE[item.rule]
        assert (item.severity, item.principle, item.area) == (rule.severity, rule.principle, rule.area)
    assert len({item.key for item in found}) == len(found)


def test_evidence_is_described_in_french_too() -> None:
    country = model_country().without("BORDER", "coordinates_with", "CUSTOMS")
    country.change("BORDER", article_fr="la").change("CUSTOMS", article_fr="les")
    graph = country.graph()
    (found,) = findings(graph, "border-coordination")
    text = describe(found.evidence[0], graph, language="fr")
    assert text == "Aucune coordination n’est enregistrée entre la Border et les Customs."


# --- Property: oversight only ever helps -----------------------------------------------------------------------------

KINDS = (*PARLIAMENT, "government", "ministry_of_defence", "ministry_of_interior", "armed_forces", "police",
         "gendarmerie", "presidential_guard", "civilian_intelligence", "court", "media")  # fmt: skip
TYPES = ("commands", "administers", "oversees", "coordinates_with", "reports_to", "funds")
OVERSIGHT = "parliamentary-oversight"


@st.composite
def random_graphs(draw: st.DrawFn) -> Graph:
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=12))
    kinds = ["parliament", *kinds]  # at least one parliamentary body
    nodes = []
    for index, kind in enumerate(kinds):
        parent = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=len(kinds) - 1)))
        nodes.append(
            Node(
                id=index,
                reference=f"N{index}",
                name=f"N{index}",
                family=taxonomy.KIND_BY_CODE[kind].family,
                kind=kind,
                statutory=draw(st.booleans()),
                parent=parent if parent != index else None,
            )
        )
    links = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=len(kinds) - 1),
                st.sampled_from(TYPES),
                st.integers(min_value=0, max_value=len(kinds) - 1),
            ),
            max_size=25,
        )
    )
    edges = [Edge(id=100 + index, source=s, target=t, type=kind) for index, (s, kind, t) in enumerate(links)]
    return Graph.build(nodes, edges)


def _oversight_keys(graph: Graph) -> set[str]:
    return {item.key for item in run(graph, rules=[RULE_BY_CODE[OVERSIGHT]])}


@settings(max_examples=300, deadline=None)
@given(graph=random_graphs(), data=st.data())
def test_adding_oversight_never_creates_a_missing_oversight_finding(graph: Graph, data: st.DataObject) -> None:
    parliaments = [node.id for node in graph.nodes.values() if node.kind in PARLIAMENT]
    overseer = data.draw(st.sampled_from(parliaments))
    target = data.draw(st.sampled_from(sorted(graph.nodes)))
    added = Graph.build(graph.nodes.values(), [*graph.edges, Edge(id=99999, source=overseer, target=target,
                                                                  type="oversees")])  # fmt: skip
    assert _oversight_keys(added) <= _oversight_keys(graph)


@settings(max_examples=300, deadline=None)
@given(graph=random_graphs(), data=st.data())
def test_removing_oversight_never_resolves_a_missing_oversight_finding(graph: Graph, data: st.DataObject) -> None:
    # Parliamentary oversight edges are drawn on top of the random ones, so that every example has one to remove.
    parliaments = sorted(node.id for node in graph.nodes.values() if node.kind in PARLIAMENT)
    drawn = data.draw(
        st.lists(st.tuples(st.sampled_from(parliaments), st.sampled_from(sorted(graph.nodes))), min_size=1, max_size=4)
    )
    graph = Graph.build(
        graph.nodes.values(),
        [
            *graph.edges,
            *(Edge(id=90000 + index, source=s, target=t, type="oversees") for index, (s, t) in enumerate(drawn)),
        ],
    )
    oversight = [
        edge for edge in graph.edges if edge.type == "oversees" and graph.nodes[edge.source].kind in PARLIAMENT
    ]
    removed = data.draw(st.sampled_from(oversight))
    fewer = Graph.build(graph.nodes.values(), [edge for edge in graph.edges if edge is not removed])
    assert _oversight_keys(fewer) >= _oversight_keys(graph)


# What each rule finds on a map with no actor: only the rules that look for something that must exist.
EMPTY_MAP_FINDINGS = {
    "ombudsman": {("ombudsman:", "no_ombudsman", "")},
    "public-scrutiny": {
        ("public-scrutiny::media", "no_media", ""),
        ("public-scrutiny::civil-society", "no_civil_society", ""),
    },
    "border-coordination": {
        ("border-coordination::border_guard", "no_border_kind", "border_guard"),
        ("border-coordination::customs", "no_border_kind", "customs"),
    },
}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_runs_on_an_empty_map(rule: Rule) -> None:
    found = run(Graph.build([], []), rules=[rule])
    assert all(item.rule == rule.code and item.subjects == () for item in found)
    assert {
        (item.key, evidence.message, evidence.detail) for item in found for evidence in item.evidence
    } == EMPTY_MAP_FINDINGS.get(rule.code, set())


def test_the_scrutiny_finding_rests_on_the_media_that_exist() -> None:
    silent = model_country().without("MEDIA", "scrutinises", "ARMY").node("RADIO", "media", statutory=False)
    graph = silent.graph()
    (found,) = findings(graph, "public-scrutiny")
    assert found.key == "public-scrutiny::media"
    assert found.node_ids == {silent.id("MEDIA"), silent.id("RADIO")}
    edges = {edge.id for edge in graph.edges}
    assert visible_findings([found], nodes=set(graph.nodes), edges=edges) == [found]
    assert visible_findings([found], nodes=set(graph.nodes) - {silent.id("RADIO")}, edges=edges) == []


def test_the_border_key_does_not_depend_on_the_order_of_the_nodes() -> None:
    first = model_country().without("BORDER", "coordinates_with", "CUSTOMS").node("AIRPORT", "border_guard")
    graph = first.graph()
    reordered = Graph.build(sorted(graph.nodes.values(), key=lambda node: node.name, reverse=True), graph.edges)
    assert keys(graph, "border-coordination") == keys(reordered, "border-coordination")
    assert keys(graph, "border-coordination") == {"border-coordination:AIRPORT+CUSTOMS"}
