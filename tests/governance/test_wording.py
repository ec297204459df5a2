"""The words of the findings, in English and French, on a model country whose actors carry their French article:
a sample sentence for each rule in both languages, the chain named for a missing link, the sources of the facts
a piece of evidence rests on, and how every rule treats non-statutory actors. No database."""

from collections.abc import Callable

import pytest

from egide.governance.engine import describe, evidence_sources, run
from egide.governance.graph import Edge, Graph, Node
from egide.governance.rules import RULES
from egide.governance.texts import english_phrase, french_phrase
from tests.governance.graphs import Builder, findings, model_country

# English name, French name, French article.
NAMES = {
    "PRES": ("Presidency", "Présidence de la République", "la"),
    "GOV": ("Government", "Gouvernement", "le"),
    "MOD": ("Ministry of Defence", "Ministère de la Défense", "le"),
    "MOI": ("Ministry of Interior", "Ministère de l’Intérieur", "le"),
    "MOF": ("Ministry of Finance", "Ministère des Finances", "le"),
    "MOJ": ("Ministry of Justice", "Ministère de la Justice", "le"),
    "PARL": ("National Assembly", "Assemblée nationale", "l"),
    "DEFCOM": ("Defence Committee", "Commission Défense et Sécurité", "la"),
    "AUDIT": ("Court of Accounts", "Cour des comptes", "la"),
    "ARMY": ("Armed Forces", "Forces armées", "les"),
    "GUARD": ("Presidential Guard", "Garde présidentielle", "la"),
    "POLICE": ("National Police", "Police nationale", "la"),
    "INTEL": ("Intelligence Service", "Direction générale de la documentation", "unknown"),
    "BORDER": ("Border Police", "Police des frontières", "la"),
    "CUSTOMS": ("Customs", "Douanes", "les"),
    "PRISONS": ("Prison Service", "Administration pénitentiaire", "l"),
    "COURT": ("Supreme Court", "Cour suprême", "la"),
    "PROSEC": ("Prosecution", "Ministère public", "le"),
    "MILCOURT": ("Military Court", "Tribunal militaire", "le"),
    "OMB": ("Ombudsman", "Médiateur de la République", "le"),
    "MEDIA": ("Radio Ndeke Luka", "Radio Ndeke Luka", "none"),
    "LEAGUE": ("Human Rights League", "Ligue des droits de l’homme", "la"),
}


def named(language: str) -> Builder:
    country = model_country()
    for reference, (english, french, article) in NAMES.items():
        country.change(reference, name=french if language == "fr" else english, article_fr=article)
    return country


def _militia(country: Builder) -> Builder:
    country.node("MILITIA", "paramilitary", statutory=False).change("MILITIA", name="Wagner", article_fr="none")
    return country.edge("ARMY", "coordinates_with", "MILITIA")


# For each rule: how to break the model country, and a sentence expected among its evidence in each language.
SAMPLES: dict[str, tuple[Callable[[Builder], Builder], str, str]] = {
    "civilian-chain": (
        lambda c: c.without("MOD", "administers", "ARMY"),
        "No chain of command or administration leads from the Armed Forces to a civilian executive authority, and "
        "no body above them is recorded.",
        "Aucune chaîne de commandement ou d’administration ne relie les Forces armées à une autorité exécutive "
        "civile, et aucun organe de tutelle ne leur est connu.",
    ),
    "parliamentary-oversight": (
        lambda c: c.without("PARL", "oversees", "GOV"),
        "Neither the National Police nor any body above it (the Ministry of Interior, the Government) is overseen "
        "by parliament or one of its committees.",
        "Le parlement et ses commissions ne contrôlent ni la Police nationale ni aucun de ses organes de tutelle "
        "(le Ministère de l’Intérieur, le Gouvernement).",
    ),
    "judicial-jurisdiction": (
        lambda c: c.without("COURT", "adjudicates", "GOV"),
        "No court or prosecution service has jurisdiction over Intelligence Service or any body above it (the "
        "Government).",
        "Aucune juridiction ni aucun parquet n’a compétence sur l’acteur « Direction générale de la documentation » "
        "ni sur aucun de ses organes de tutelle (le Gouvernement).",
    ),
    "budget-control": (
        lambda c: c.without("PARL", "funds", "GOV").without("AUDIT", "audits", "GOV"),
        "The accounts of the Prison Service are not audited by an audit body, neither directly nor through any "
        "body above it (the Ministry of Justice, the Government).",
        "Les comptes de l’Administration pénitentiaire ne sont vérifiés par aucun organe de contrôle, ni "
        "directement ni par aucun de ses organes de tutelle (le Ministère de la Justice, le Gouvernement).",
    ),
    "ombudsman": (
        lambda c: c.without("OMB", "scrutinises", "POLICE"),
        "The Ombudsman has no recorded oversight or scrutiny of the security providers.",
        "Le Médiateur de la République n’exerce aucun contrôle ni suivi enregistré des forces de sécurité.",
    ),
    "intelligence": (
        lambda c: c.change("INTEL", has_mandate=False),
        "Intelligence Service has no legal mandate on record.",
        "Aucun mandat légal n’est enregistré pour l’acteur « Direction générale de la documentation ».",
    ),
    "civilian-prisons": (
        lambda c: c.without("MOJ", "administers", "PRISONS").edge("MOD", "administers", "PRISONS"),
        "The prison service is administered or commanded by a military body: the Ministry of Defence administers "
        "the Prison Service.",
        "L’administration pénitentiaire est administrée ou commandée par un organe militaire : le Ministère de la "
        "Défense administre l’Administration pénitentiaire.",
    ),
    "judicial-independence": (
        lambda c: c.edge("GOV", "commands", "PROSEC"),
        "The Government commands the Prosecution: the judiciary and the prosecution may be appointed, not commanded.",
        "Le Gouvernement commande le Ministère public : la justice et le parquet peuvent être nommés, non commandés.",
    ),
    "public-scrutiny": (
        lambda c: c.without("LEAGUE", "scrutinises", "POLICE"),
        "No civil-society organisation is recorded as scrutinising the security providers.",
        "Aucune organisation de la société civile n’est enregistrée comme surveillant les forces de sécurité.",
    ),
    "border-coordination": (
        lambda c: c.without("BORDER", "coordinates_with", "CUSTOMS"),
        "The Border Police and the Customs are not recorded as coordinating with each other.",
        "Aucune coordination n’est enregistrée entre la Police des frontières et les Douanes.",
    ),
    "disputed-in-chain": (
        lambda c: c.change("MOD", legitimacy_disputed=True),
        "An actor whose legitimacy is disputed sits on the chain of the Armed Forces: the Ministry of Defence "
        "administers the Armed Forces.",
        "Un acteur à la légitimité contestée se trouve dans la chaîne des Forces armées : le Ministère de la "
        "Défense administre les Forces armées.",
    ),
    "irregular-forces": (
        lambda c: c.without("MOD", "administers", "GUARD").edge("PRES", "commands", "GUARD"),
        "The Presidential Guard is not inside a ministry’s chain of command or administration: none of the bodies "
        "above it (the Presidency) is a ministry, or answers to one.",
        "La Garde présidentielle ne relève de la chaîne de commandement ou d’administration d’aucun ministère : "
        "aucun de ses organes de tutelle (la Présidence de la République) n’en est un ni n’en relève.",
    ),
    "legal-basis": (
        lambda c: c.without("MOI", "administers", "POLICE").edge("MOI", "administers", "POLICE", legal_basis=""),
        "The Ministry of Interior administers the National Police: no legal basis is recorded.",
        "Le Ministère de l’Intérieur administre la Police nationale : aucune base juridique n’est enregistrée.",
    ),
    "military-courts": (
        lambda c: c.edge("MILCOURT", "adjudicates", "MEDIA"),
        "The Military Court has jurisdiction over Radio Ndeke Luka: a military court has jurisdiction over an "
        "actor outside the security forces.",
        "Le Tribunal militaire a compétence sur Radio Ndeke Luka : une juridiction militaire a compétence sur un "
        "acteur extérieur aux forces de sécurité.",
    ),
    "oversight-independence": (
        lambda c: c.edge("GOV", "commands", "AUDIT"),
        "The Government commands the Court of Accounts: an oversight body is commanded by the executive or a "
        "security force.",
        "Le Gouvernement commande la Cour des comptes : un organe de contrôle est commandé par l’exécutif ou une "
        "force de sécurité.",
    ),
    "non-statutory-forces": (
        _militia,
        "The Armed Forces coordinate with Wagner: a statutory force works with a non-statutory armed actor.",
        "Les Forces armées se coordonnent avec Wagner : une force statutaire travaille avec un acteur armé non "
        "statutaire.",
    ),
}


def test_every_rule_has_a_sample() -> None:
    assert set(SAMPLES) == {rule.code for rule in RULES}


@pytest.mark.parametrize("rule", sorted(SAMPLES))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_sample_sentence_of_each_rule(rule: str, language: str) -> None:
    breaking, english, french = SAMPLES[rule]
    graph = breaking(named(language)).graph()
    texts = [describe(piece, graph, language=language) for item in findings(graph, rule) for piece in item.evidence]
    assert (english if language == "en" else french) in texts, texts


def test_french_contracts_the_article_or_quotes_the_name() -> None:
    assert [french_phrase("Ministère", "le", case) for case in ("", "de", "à")] == [
        "le Ministère",
        "du Ministère",
        "au Ministère",
    ]
    assert french_phrase("Police centrafricaine", "la", "de") == "de la Police centrafricaine"
    assert french_phrase("Assemblée nationale", "l", "de") == "de l’Assemblée nationale"
    assert french_phrase("Forces armées", "les", "à") == "aux Forces armées"
    assert french_phrase("Radio Ndeke Luka", "none", "de") == "de Radio Ndeke Luka"
    assert french_phrase("Direction générale", "unknown", "de") == "de l’acteur « Direction générale »"
    assert english_phrase("National Assembly", "l") == "the National Assembly"
    assert english_phrase("Radio Ndeke Luka", "none") == "Radio Ndeke Luka"


def test_no_ungrammatical_french_on_the_model_country_broken_everywhere() -> None:
    """What the issue found: "Les comptes de Police centrafricaine", "à l’égard de Direction générale", "dont il
    relève" for a feminine noun. Every sentence of every sample, in French, is free of them."""
    texts = []
    for breaking, _english, _french in SAMPLES.values():
        graph = breaking(named("fr")).graph()
        texts += [describe(piece, graph, language="fr") for item in run(graph) for piece in item.evidence]
    assert len(texts) > 40
    for text in texts:
        for wrong in ("de Police", "de Direction", "dont il relève", " de le ", " de les ", " à le ", " à les ", "  "):
            assert wrong not in text, text
        assert text[0].isupper(), text


def test_a_missing_link_names_every_body_on_the_chain_searched() -> None:
    country = named("en").without("PARL", "oversees", "GOV")
    country.node("UNIT", "police", parent="POLICE").change("UNIT", name="Rapid Intervention Unit", article_fr="l")
    graph = country.graph()
    (unit,) = [item for item in findings(graph, "parliamentary-oversight") if item.key.endswith(":UNIT")]
    (evidence,) = unit.evidence
    assert [step.upper for step in evidence.searched] == [country.id(ref) for ref in ("POLICE", "MOI", "GOV")]
    assert describe(evidence, graph, language="en") == (
        "Neither the Rapid Intervention Unit nor any body above it (the National Police, the Ministry of Interior, "
        "the Government) is overseen by parliament or one of its committees."
    )
    # The chain searched is part of what the reader must see, not of what the finding's confidence rests on.
    assert unit.node_ids == {country.id("UNIT")}
    assert unit.searched_ids[0] == {country.id(ref) for ref in ("POLICE", "MOI", "GOV")}


def test_a_force_with_nothing_above_it_says_so() -> None:
    country = named("en").node("LONE", "police").change("LONE", name="Lone Unit", article_fr="none")
    graph = country.graph()
    (found,) = [item for item in findings(graph, "parliamentary-oversight") if item.key.endswith(":LONE")]
    assert describe(found.evidence[0], graph, language="en") == (
        "Lone Unit is not overseen by parliament or one of its committees, and no body above it is recorded."
    )


def _cited(graph: Graph) -> Graph:
    """Each actor and relationship cites a source named after it."""
    nodes = [Node(**{**_fields(node), "sources": (f"about {node.reference}",)}) for node in graph.nodes.values()]
    edges = [Edge(**{**_fields(edge), "sources": (f"link {edge.id}",)}) for edge in graph.edges]
    return Graph.build(nodes, edges)


def _fields(record: object) -> dict[str, object]:
    names = getattr(type(record), "_fields", None) or record.__slots__  # type: ignore[attr-defined]
    return {name: getattr(record, name) for name in names}


def test_the_sources_are_those_of_the_facts_the_evidence_rests_on() -> None:
    country = model_country().change("MOD", legitimacy_disputed=True)
    graph = _cited(country.graph())
    army = next(item for item in findings(graph, "disputed-in-chain") if item.key == "disputed-in-chain:ARMY+MOD")
    (chain,) = army.evidence
    administers = next(edge for edge in graph.edges if edge.type == "administers" and edge.target == country.id("ARMY"))
    # The link, not every source of the ministry and of the army.
    assert evidence_sources(chain, graph) == [f"link {administers.id}"]
    mandate = model_country().change("COURT", has_mandate=False)
    graph = _cited(mandate.graph())
    (found,) = findings(graph, "legal-basis")
    assert evidence_sources(found.evidence[0], graph) == ["about COURT"]
    unwatched = model_country().without("PARL", "oversees", "GOV")
    graph = _cited(unwatched.graph())
    police = next(item for item in findings(graph, "parliamentary-oversight") if item.key.endswith(":POLICE"))
    police_id = country.id("POLICE")
    moi_police = next(edge for edge in graph.edges if edge.type == "administers" and edge.target == police_id)
    # The police itself, and the links above it that were searched (its ministry; the ministry's parent).
    assert evidence_sources(police.evidence[0], graph) == sorted(["about POLICE", f"link {moi_police.id}", "about MOI"])


# --- Non-statutory actors, the same way in every rule --------------------------------------------------------------

CHECKS_STATUTORY_ONLY = {
    "civilian-chain",
    "parliamentary-oversight",
    "judicial-jurisdiction",
    "budget-control",
    "intelligence",
    "civilian-prisons",
    "border-coordination",
    "disputed-in-chain",
    "irregular-forces",
    "legal-basis",
}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_each_rule_says_how_it_treats_non_statutory_actors(rule: object) -> None:
    code = rule.code  # type: ignore[attr-defined]
    english, french = rule.explanation_en, rule.explanation_fr  # type: ignore[attr-defined]
    assert "non-statutory" in english.lower() or "Non-statutory" in english, code
    assert "non statutaires" in french, code
    if code in CHECKS_STATUTORY_ONLY:
        assert "Non-statutory actors are not checked" in english or "non-statutory forces below it are not" in english


@pytest.mark.parametrize("kind", ["paramilitary", "presidential_guard", "armed_forces", "civilian_intelligence"])
def test_a_lone_non_statutory_force_is_left_to_the_non_statutory_rule(kind: str) -> None:
    """An armed group with no link, no mandate, no oversight, no budget and no court: the rules on what a body owes
    by law leave it out, whatever its kind; a statutory body of the same kind is found by each of them."""
    outside = model_country().node("GROUP", kind, statutory=False, has_mandate=False)
    assert {item.rule for item in run(outside.graph()) if "GROUP" in item.references} == set()
    inside = model_country().node("GROUP", kind, has_mandate=False)
    found = {item.rule for item in run(inside.graph()) if "GROUP" in item.references}
    assert {"civilian-chain", "parliamentary-oversight", "judicial-jurisdiction", "budget-control"} <= found


def test_non_statutory_bodies_do_not_fill_a_statutory_gap() -> None:
    # A non-statutory prison or border guard is not the civilian prison service or the border police.
    prison = model_country().node("CAMP", "prison_service", statutory=False).edge("ARMY", "administers", "CAMP")
    assert "civilian-prisons:CAMP:military" not in {item.key for item in run(prison.graph())}
    border = model_country().without_node("BORDER").node("VIGILANTES", "border_guard", statutory=False)
    assert "border-coordination::border_guard" in {item.key for item in run(border.graph())}
    # ... but who scrutinises counts, statutory or not (media and civil society rarely are).
    assert {item.key for item in run(model_country().graph())} == set()
