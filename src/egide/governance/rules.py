"""The governance rules: each reads a country's graph against the SSR principles and returns findings.

Each rule is declared once, with a stable code, its texts in English and French, the principle and area of
action it serves, a severity and the parameters a country team may change. Every check is linear in the size of
the graph: chains are followed from their top down once, never from each actor up.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from egide.core import taxonomy
from egide.governance.findings import Evidence, Finding, finding
from egide.governance.graph import Edge, Graph, Reach, Step, new

Parameters = Mapping[str, Any]
SECURITY = taxonomy.SECURITY_PROVIDERS
SECURITY_KINDS = tuple(kind.code for kind in taxonomy.KINDS if kind.family == SECURITY)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    label_en: str
    label_fr: str
    default: tuple[str, ...] | bool


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    title_en: str
    title_fr: str
    explanation_en: str
    explanation_fr: str
    principle: str
    area: str
    severity: str
    check: Callable[[Graph, Parameters], list[Finding]]
    parameters: tuple[Parameter, ...] = ()

    def defaults(self) -> dict[str, Any]:
        return {parameter.name: parameter.default for parameter in self.parameters}


def _edge_step(edge: Edge) -> Step:
    return new(Step, (edge.source, edge.target, edge))


def _reach_from_edges(graph: Graph, edges: list[Edge]) -> Reach:
    """Everything below the targets of these edges, each with the edge and the chain that reach it."""
    starts: dict[int, tuple[Step, ...]] = {}
    for edge in edges:
        starts.setdefault(edge.target, (_edge_step(edge),))
    return graph.reach_down(starts)


def _edges_from(
    graph: Graph, types: tuple[str, ...], *, kinds: tuple[str, ...] = (), families: tuple[str, ...] = ()
) -> list[Edge]:
    wanted_types, wanted_kinds, wanted_families = frozenset(types), frozenset(kinds), frozenset(families)
    return [
        edge
        for edge in graph.edges
        if edge.type in wanted_types
        and edge.source in graph.nodes
        and edge.target in graph.nodes
        and (graph.nodes[edge.source].kind in wanted_kinds or graph.nodes[edge.source].family in wanted_families)
    ]


CIVILIAN_AUTHORITIES = (
    "head_of_state",
    "government",
    "security_council",
    "ministry_of_defence",
    "ministry_of_interior",
    "ministry_of_justice",
    "ministry_of_finance",
    "other_ministry",
)
MINISTRIES = ("government", "ministry_of_defence", "ministry_of_interior", "ministry_of_justice", "other_ministry")
PARLIAMENT = (
    "parliament",
    "finance_committee",
    "defence_committee",
    "investigation_committee",
    "parliamentary_committee",
)


def _missing(graph: Graph, message: str, node: int) -> Evidence:
    """A link missing for a node, with the chain above it that was searched, so that the words name every body on
    it ("neither the police nor the ministry above it ...")."""
    return Evidence("missing", message, subjects=(node,), searched=graph.above(node))


def civilian_chain(graph: Graph, parameters: Parameters) -> list[Finding]:
    authorities = {node.id: () for node in graph.of_kinds(parameters["civilian_kinds"])}
    reached = graph.reach_down(authorities)
    return [
        finding(graph, "civilian-chain", [node.id], [_missing(graph, "no_civilian_chain", node.id)])
        for node in graph.of_kinds(parameters["subject_kinds"])
        if node.statutory and node.id not in reached
    ]


def _parliamentary_reach(graph: Graph, parameters: Parameters) -> Reach:
    kinds = tuple(sorted(parameters["overseer_kinds"]))
    return graph.remembered(
        ("parliament", kinds), lambda: _reach_from_edges(graph, _edges_from(graph, ("oversees",), kinds=kinds))
    )


def parliamentary_oversight(graph: Graph, parameters: Parameters) -> list[Finding]:
    reached = _parliamentary_reach(graph, parameters)
    return [
        finding(graph, "parliamentary-oversight", [node.id], [_missing(graph, "no_parliamentary_oversight", node.id)])
        for node in graph.of_family(SECURITY)
        if node.statutory and node.id not in reached
    ]


def judicial_jurisdiction(graph: Graph, parameters: Parameters) -> list[Finding]:
    edges = _edges_from(graph, ("adjudicates", "oversees"), kinds=tuple(parameters["jurisdiction_kinds"]))
    reached = _reach_from_edges(graph, edges)
    return [
        finding(graph, "judicial-jurisdiction", [node.id], [_missing(graph, "no_jurisdiction", node.id)])
        for node in graph.of_family(SECURITY)
        if node.statutory and node.id not in reached
    ]


def budget_control(graph: Graph, parameters: Parameters) -> list[Finding]:
    voted = _reach_from_edges(graph, _edges_from(graph, ("funds",), kinds=tuple(parameters["voting_kinds"])))
    audited = _reach_from_edges(graph, _edges_from(graph, ("audits",), kinds=tuple(parameters["audit_kinds"])))
    excluded = frozenset(parameters["excluded_kinds"])
    found = []
    for node in graph.nodes.values():
        if node.family not in (SECURITY, taxonomy.JUSTICE) or node.kind in excluded or not node.statutory:
            continue
        evidence = []
        if node.id not in voted:
            evidence.append(_missing(graph, "budget_not_voted", node.id))
        if node.id not in audited:
            evidence.append(_missing(graph, "budget_not_audited", node.id))
        if evidence:
            found.append(finding(graph, "budget-control", [node.id], evidence))
    return found


def ombudsman(graph: Graph, parameters: Parameters) -> list[Finding]:
    bodies = graph.of_kinds(parameters["ombudsman_kinds"])
    if not bodies:
        return [finding(graph, "ombudsman", [], [Evidence("missing", "no_ombudsman")])]
    body_kinds = tuple(parameters["ombudsman_kinds"])
    reached = _reach_from_edges(graph, _edges_from(graph, ("oversees", "scrutinises", "adjudicates"), kinds=body_kinds))
    if any(graph.nodes[node].family == SECURITY for node in reached):
        return []
    return [
        finding(
            graph,
            "ombudsman",
            [body.id for body in bodies],
            [Evidence("missing", "ombudsman_not_covering", subjects=(body.id,)) for body in bodies],
        )
    ]


def intelligence(graph: Graph, parameters: Parameters) -> list[Finding]:
    overseers = frozenset(parameters["oversight_kinds"])
    found = []
    for node in graph.of_kinds(parameters["intelligence_kinds"]):
        if not node.statutory:
            continue
        evidence = []
        if not node.has_mandate:
            evidence.append(Evidence("fact", "no_mandate", subjects=(node.id,)))
        # Parliament's scrutiny (hearings, inquiries) counts as dedicated oversight, as its formal oversight does.
        dedicated = [
            edge
            for edge in graph.edges_in(node.id, ("oversees", "scrutinises"))
            if graph.nodes[edge.source].kind in overseers
        ]
        if not dedicated:
            evidence.append(Evidence("missing", "no_dedicated_oversight", subjects=(node.id,)))
        if evidence:
            found.append(finding(graph, "intelligence", [node.id], evidence))
    return found


def civilian_prisons(graph: Graph, parameters: Parameters) -> list[Finding]:
    # Whole chains count, not only the body just above: a prison directorate under the army is the army's.
    military = graph.reach_down({node.id: () for node in graph.of_kinds(parameters["military_kinds"])})
    civilian = graph.reach_down({node.id: () for node in graph.of_kinds(parameters["civilian_kinds"])})
    found = []
    for prison in graph.of_kinds(("prison_service",)):
        if not prison.statutory:
            continue
        if prison.id in military and not military.is_start(prison.id):
            steps = military.path(prison.id)
            evidence = [Evidence("path", "military_prison_administration", subjects=(prison.id,), steps=steps)]
            found.append(finding(graph, "civilian-prisons", [prison.id], evidence, extra_key="military"))
        elif prison.id not in civilian:
            evidence = [_missing(graph, "no_civilian_prison_administration", prison.id)]
            found.append(finding(graph, "civilian-prisons", [prison.id], evidence, extra_key="civilian"))
    return found


def judicial_independence(graph: Graph, parameters: Parameters) -> list[Finding]:
    protected = frozenset(parameters["protected_kinds"])
    found = []
    # The executive includes the ministry of justice, although the taxonomy files it under justice.
    commanding = _edges_from(
        graph, ("commands",), kinds=("ministry_of_justice",), families=(taxonomy.MANAGEMENT, SECURITY)
    )
    for edge in commanding:
        if graph.nodes[edge.target].kind in protected:
            evidence = [Evidence("edge", "commands_judiciary", subjects=(edge.target,), steps=(_edge_step(edge),))]
            found.append(finding(graph, "judicial-independence", [edge.source, edge.target], evidence))
    return found


def public_scrutiny(graph: Graph, parameters: Parameters) -> list[Finding]:
    """Media and civil society are two checks, each its own finding: a radio does not stand in for the
    organisations that document abuses, nor they for the press."""
    watched = frozenset(parameters["watched_kinds"])
    found = []
    for group, kinds_parameter in (("media", "media_kinds"), ("civil-society", "civil_society_kinds")):
        kinds = tuple(parameters[kinds_parameter])
        bodies = graph.of_kinds(kinds)
        absent, silent = f"no_{group.replace('-', '_')}", f"{group.replace('-', '_')}_not_scrutinising"
        if not bodies:
            found.append(finding(graph, "public-scrutiny", [], [Evidence("missing", absent)], extra_key=group))
            continue
        scrutinising = any(
            graph.nodes[edge.target].family == SECURITY or graph.nodes[edge.target].kind in watched
            for edge in _edges_from(graph, ("scrutinises",), kinds=kinds)
        )
        if not scrutinising:
            # The finding rests on the bodies that exist (a reader who may not see one of them must not learn of
            # it from here), but its key does not depend on them.
            evidence = Evidence("missing", silent, subjects=tuple(node.id for node in bodies))
            found.append(finding(graph, "public-scrutiny", [], [evidence], extra_key=group))
    return found


def border_coordination(graph: Graph, parameters: Parameters) -> list[Finding]:
    required = list(parameters["required_kinds"])
    if parameters["coastal"] and "coast_guard" not in required:
        required.append("coast_guard")
    found = []
    present = {kind: [node for node in graph.of_kinds((kind,)) if node.statutory] for kind in required}
    for kind, bodies in present.items():
        if not bodies:
            found.append(
                finding(
                    graph,
                    "border-coordination",
                    [],
                    [Evidence("missing", "no_border_kind", detail=kind)],
                    extra_key=kind,
                )
            )
    kinds = [kind for kind in required if present[kind]]
    for index, first in enumerate(kinds):
        for second in kinds[index + 1 :]:
            ids_first = {node.id for node in present[first]}
            ids_second = {node.id for node in present[second]}
            linked = any(
                edge.type == "coordinates_with"
                and {edge.source, edge.target} & ids_first
                and {edge.source, edge.target} & ids_second
                for node in ids_first
                for edge in (*graph.outgoing.get(node, ()), *graph.incoming.get(node, ()))
            )
            if not linked:
                # Named by the first reference of each kind, so that the key does not depend on the nodes' order.
                a = min(present[first], key=lambda node: node.reference)
                b = min(present[second], key=lambda node: node.reference)
                evidence = [Evidence("missing", "border_not_coordinated", subjects=(a.id, b.id))]
                found.append(finding(graph, "border-coordination", [a.id, b.id], evidence))
    return found


def disputed_in_chain(graph: Graph, parameters: Parameters) -> list[Finding]:
    disputed = {node.id: () for node in graph.nodes.values() if node.legitimacy_disputed}
    reached = graph.reach_down(disputed)
    found = []
    for node_id in reached:
        node = graph.nodes[node_id]
        if reached.is_start(node_id) or node.family != SECURITY or not node.statutory:
            continue
        path = reached.path(node_id)
        evidence = [Evidence("path", "disputed_in_chain", subjects=(node_id,), steps=path)]
        found.append(finding(graph, "disputed-in-chain", [node_id, path[0].upper], evidence))
    return found


def irregular_forces(graph: Graph, parameters: Parameters) -> list[Finding]:
    in_ministry_chain = graph.reach_down({node.id: () for node in graph.of_kinds(parameters["ministry_kinds"])})
    overseen = _parliamentary_reach(graph, {"overseer_kinds": parameters["overseer_kinds"]})
    found = []
    for node in graph.of_kinds(parameters["subject_kinds"]):
        if not node.statutory:
            continue
        evidence = []
        if node.id not in in_ministry_chain:
            evidence.append(_missing(graph, "outside_ministry_chain", node.id))
        if node.id not in overseen:
            evidence.append(_missing(graph, "no_parliamentary_oversight", node.id))
        if evidence:
            found.append(finding(graph, "irregular-forces", [node.id], evidence))
    return found


def legal_basis(graph: Graph, parameters: Parameters) -> list[Finding]:
    types = frozenset(parameters["relationship_types"])
    families = frozenset(parameters["mandate_families"])
    found = []
    for edge in graph.edges:
        if (
            edge.type in types
            and not edge.legal_basis.strip()
            and edge.source in graph.nodes
            and edge.target in graph.nodes
            # A link with an actor outside the law has no legal basis to cite: the non-statutory rule reads it.
            and graph.nodes[edge.source].statutory
            and graph.nodes[edge.target].statutory
        ):
            evidence = [Evidence("edge", "relationship_without_legal_basis", steps=(_edge_step(edge),))]
            found.append(finding(graph, "legal-basis", [edge.source, edge.target], evidence, extra_key=edge.type))
    for node in graph.nodes.values():
        if node.statutory and node.family in families and not node.has_mandate:
            evidence = [Evidence("fact", "no_mandate", subjects=(node.id,))]
            found.append(finding(graph, "legal-basis", [node.id], evidence, extra_key="mandate"))
    return found


def military_courts(graph: Graph, parameters: Parameters) -> list[Finding]:
    found = []
    for edge in _edges_from(graph, ("adjudicates",), kinds=("military_court",)):
        if graph.nodes[edge.target].family != SECURITY:
            evidence = [
                Evidence("edge", "military_court_over_civilians", subjects=(edge.target,), steps=(_edge_step(edge),))
            ]
            found.append(finding(graph, "military-courts", [edge.source, edge.target], evidence))
    return found


def oversight_independence(graph: Graph, parameters: Parameters) -> list[Finding]:
    bodies = frozenset(parameters["oversight_kinds"])
    found = []
    for edge in _edges_from(graph, ("commands",), families=(taxonomy.MANAGEMENT, SECURITY)):
        target = graph.nodes[edge.target]
        if target.kind in bodies or target.family == taxonomy.SUPERVISORY:
            evidence = [
                Evidence("edge", "oversight_body_commanded", subjects=(edge.target,), steps=(_edge_step(edge),))
            ]
            found.append(finding(graph, "oversight-independence", [edge.source, edge.target], evidence))
    return found


def non_statutory_forces(graph: Graph, parameters: Parameters) -> list[Finding]:
    types = frozenset(parameters["relationship_types"])
    found = []
    for edge in graph.edges:
        if edge.type not in types or edge.source not in graph.nodes or edge.target not in graph.nodes:
            continue
        source, target = graph.nodes[edge.source], graph.nodes[edge.target]
        pair = {source.family, target.family} == {SECURITY} and source.statutory != target.statutory
        if pair:
            evidence = [Evidence("edge", "non_statutory_force", steps=(_edge_step(edge),))]
            found.append(
                finding(graph, "non-statutory-forces", [edge.source, edge.target], evidence, extra_key=edge.type)
            )
    return found


# Every rule says how it treats non-statutory actors (armed groups, militias, foreign private forces): the rules
# that ask what a body owes by law check statutory bodies only, and the rule on non-statutory forces reads the
# others; the rules about what is done to a body, or who scrutinises, count every actor alike.
STATUTORY_ONLY_EN = (
    " Non-statutory actors are not checked: what a body owes by law is asked of the bodies the law established,"
    " and the rule on non-statutory forces reads the others."
)
STATUTORY_ONLY_FR = (
    " Les acteurs non statutaires ne sont pas examinés : ce qu’un organe doit à la loi n’est demandé qu’aux"
    " organes qu’elle a créés, et la règle sur les forces non statutaires examine les autres."
)
EVERY_ACTOR_EN = " Non-statutory actors count here like any other."
EVERY_ACTOR_FR = " Les acteurs non statutaires comptent ici comme les autres."


def _kinds(label_en: str, label_fr: str, name: str, default: tuple[str, ...]) -> Parameter:
    return Parameter(name, label_en, label_fr, default)


RULES: tuple[Rule, ...] = (
    Rule(
        "civilian-chain",
        "Forces answer to a civilian authority",
        "Les forces relèvent d’une autorité civile",
        "Every statutory security provider should be reached by a chain of command or administration (or the "
        "hierarchy) from a civilian executive authority." + STATUTORY_ONLY_EN,
        "Toute force de sécurité statutaire doit relever, par une chaîne de commandement ou d’administration (ou la "
        "hiérarchie), d’une autorité exécutive civile." + STATUTORY_ONLY_FR,
        "accountable_forces",
        "democratic_forces",
        "high",
        civilian_chain,
        (
            _kinds(
                "Civilian executive authorities", "Autorités exécutives civiles", "civilian_kinds", CIVILIAN_AUTHORITIES
            ),
            _kinds("Forces checked", "Forces examinées", "subject_kinds", SECURITY_KINDS),
        ),
    ),
    Rule(
        "parliamentary-oversight",
        "Forces are overseen by parliament",
        "Les forces sont contrôlées par le parlement",
        "Every security provider should be overseen by parliament or one of its committees, directly or through "
        "the ministry or body it answers to." + STATUTORY_ONLY_EN,
        "Toute force de sécurité doit être contrôlée par le parlement ou l’une de ses commissions, directement ou "
        "par le ministère ou l’organe dont elle relève." + STATUTORY_ONLY_FR,
        "democratic_oversight",
        "civilian_oversight",
        "high",
        parliamentary_oversight,
        (_kinds("Parliamentary bodies", "Organes parlementaires", "overseer_kinds", PARLIAMENT),),
    ),
    Rule(
        "judicial-jurisdiction",
        "Forces fall under the courts",
        "Les forces relèvent des juridictions",
        "Every security provider should fall under the jurisdiction of the courts or of a prosecution service."
        + STATUTORY_ONLY_EN,
        "Toute force de sécurité doit relever de la compétence des juridictions ou d’un parquet." + STATUTORY_ONLY_FR,
        "rule_of_law",
        "justice",
        "medium",
        judicial_jurisdiction,
        (
            _kinds(
                "Courts and prosecution",
                "Juridictions et parquets",
                "jurisdiction_kinds",
                ("court", "military_court", "prosecution"),
            ),
        ),
    ),
    Rule(
        "budget-control",
        "Security and justice budgets are voted and audited",
        "Les budgets de sécurité et de justice sont votés et contrôlés",
        "The budgets of security and justice actors should be voted by parliament and audited by an audit body "
        "(a court of accounts or equivalent), directly or through the ministry they answer to." + STATUTORY_ONLY_EN,
        "Les budgets des acteurs de la sécurité et de la justice doivent être votés par le parlement et contrôlés "
        "par un organe de contrôle (cour des comptes ou équivalent), directement ou par leur ministère."
        + STATUTORY_ONLY_FR,
        "democratic_oversight",
        "security_budgets",
        "medium",
        budget_control,
        (
            _kinds(
                "Bodies that vote budgets",
                "Organes qui votent les budgets",
                "voting_kinds",
                ("parliament", "finance_committee"),
            ),
            _kinds(
                "Audit bodies", "Organes de contrôle des comptes", "audit_kinds", ("court_of_accounts", "inspectorate")
            ),
            _kinds(
                "Kinds left out",
                "Types exclus",
                "excluded_kinds",
                ("bar_association", "customary_justice", "reconciliation_council"),
            ),
        ),
    ),
    Rule(
        "ombudsman",
        "An ombudsman or human-rights commission covers the forces",
        "Un médiateur ou une commission des droits de l’homme couvre les forces",
        "An ombudsman or a human-rights commission should exist and its mandate cover the security providers."
        + EVERY_ACTOR_EN,
        "Un médiateur ou une commission des droits de l’homme doit exister et son mandat couvrir les forces de "
        "sécurité." + EVERY_ACTOR_FR,
        "rule_of_law",
        "civilian_oversight",
        "medium",
        ombudsman,
        (_kinds("Bodies that count", "Organes retenus", "ombudsman_kinds", ("ombudsman", "human_rights_commission")),),
    ),
    Rule(
        "intelligence",
        "Intelligence services have a mandate and an overseer",
        "Les services de renseignement ont un mandat et un organe de contrôle",
        "Every intelligence service should have a legal mandate on record and a dedicated oversight body."
        + STATUTORY_ONLY_EN,
        "Tout service de renseignement doit avoir un mandat légal enregistré et un organe de contrôle dédié."
        + STATUTORY_ONLY_FR,
        "democratic_oversight",
        "intelligence",
        "high",
        intelligence,
        (
            _kinds(
                "Intelligence services",
                "Services de renseignement",
                "intelligence_kinds",
                ("civilian_intelligence", "military_intelligence"),
            ),
            _kinds(
                "Dedicated oversight bodies",
                "Organes de contrôle dédiés",
                "oversight_kinds",
                (*PARLIAMENT, "inspectorate", "independent_authority"),
            ),
        ),
    ),
    Rule(
        "civilian-prisons",
        "Prisons are under civilian administration",
        "Les prisons sont sous administration civile",
        "The prison service should be administered by a civilian ministry, not by the armed forces or the "
        "defence ministry." + STATUTORY_ONLY_EN,
        "L’administration pénitentiaire doit relever d’un ministère civil, non des forces armées ni du ministère "
        "de la défense." + STATUTORY_ONLY_FR,
        "rule_of_law",
        "prisons",
        "high",
        civilian_prisons,
        (
            _kinds(
                "Military bodies",
                "Organes militaires",
                "military_kinds",
                ("armed_forces", "ministry_of_defence", "military_intelligence", "gendarmerie"),
            ),
            _kinds(
                "Civilian ministries",
                "Ministères civils",
                "civilian_kinds",
                ("ministry_of_justice", "ministry_of_interior", "other_ministry", "government"),
            ),
        ),
    ),
    Rule(
        "judicial-independence",
        "Nobody commands the judiciary",
        "Nul ne commande la justice",
        "No executive body or security provider should command a court or the prosecution (appointing is allowed)."
        + EVERY_ACTOR_EN,
        "Aucun organe exécutif ni aucune force de sécurité ne doit commander une juridiction ou le parquet (la "
        "nomination est admise)." + EVERY_ACTOR_FR,
        "rule_of_law",
        "justice",
        "high",
        judicial_independence,
        (
            _kinds(
                "Protected bodies",
                "Organes protégés",
                "protected_kinds",
                ("court", "military_court", "prosecution", "judicial_council"),
            ),
        ),
    ),
    Rule(
        "public-scrutiny",
        "Media and civil society scrutinise the sector",
        "Les médias et la société civile surveillent le secteur",
        "Media and civil-society organisations should exist and scrutinise the security sector: each is checked "
        "apart, and a gap in either is its own finding." + EVERY_ACTOR_EN,
        "Des médias et des organisations de la société civile doivent exister et surveiller le secteur de la "
        "sécurité : chacun est examiné à part, et une lacune de l’un ou de l’autre est un constat distinct."
        + EVERY_ACTOR_FR,
        "democratic_oversight",
        "civilian_oversight",
        "medium",
        public_scrutiny,
        (
            _kinds(
                "Other bodies whose scrutiny counts",
                "Autres organes dont la surveillance compte",
                "watched_kinds",
                ("ministry_of_defence", "ministry_of_interior", "security_council", "prison_service"),
            ),
            _kinds("Media", "Médias", "media_kinds", ("media",)),
            _kinds(
                "Civil-society organisations",
                "Organisations de la société civile",
                "civil_society_kinds",
                ("civil_society", "research_institute"),
            ),
        ),
    ),
    Rule(
        "border-coordination",
        "Border bodies exist and coordinate",
        "Les organes frontaliers existent et se coordonnent",
        "Border guards, customs (and a coast guard for a coastal country) should exist and coordinate with each other."
        + STATUTORY_ONLY_EN,
        "Police des frontières, douanes (et garde-côtes pour un pays côtier) doivent exister et se coordonner."
        + STATUTORY_ONLY_FR,
        "accountable_forces",
        "borders",
        "medium",
        border_coordination,
        (
            _kinds("Required bodies", "Organes requis", "required_kinds", ("border_guard", "customs")),
            Parameter("coastal", "The country has a coast", "Le pays a une façade maritime", False),
        ),
    ),
    Rule(
        "disputed-in-chain",
        "No disputed actor commands a statutory force",
        "Aucun acteur contesté ne commande une force statutaire",
        "No actor whose legitimacy is disputed should sit on the chain of command of a statutory force. The "
        "disputed actor may be statutory or not; non-statutory forces below it are not checked: the rule on "
        "non-statutory forces reads them.",
        "Aucun acteur à la légitimité contestée ne doit se trouver dans la chaîne de commandement d’une force "
        "statutaire. L’acteur contesté peut être statutaire ou non ; les forces non statutaires placées sous lui "
        "ne sont pas examinées : la règle sur les forces non statutaires les examine.",
        "accountable_forces",
        "democratic_forces",
        "high",
        disputed_in_chain,
    ),
    Rule(
        "irregular-forces",
        "Paramilitary forces and the presidential guard are controlled like the others",
        "Forces paramilitaires et garde présidentielle sont contrôlées comme les autres",
        "Paramilitary forces and the presidential guard should be inside a ministry's chain and under "
        "parliamentary oversight, like the other forces." + STATUTORY_ONLY_EN,
        "Les forces paramilitaires et la garde présidentielle doivent relever d’un ministère et du contrôle "
        "parlementaire, comme les autres forces." + STATUTORY_ONLY_FR,
        "accountable_forces",
        "internal_security_roles",
        "high",
        irregular_forces,
        (
            _kinds("Forces checked", "Forces examinées", "subject_kinds", ("paramilitary", "presidential_guard")),
            _kinds("Ministries", "Ministères", "ministry_kinds", MINISTRIES),
            _kinds("Parliamentary bodies", "Organes parlementaires", "overseer_kinds", PARLIAMENT),
        ),
    ),
    Rule(
        "legal-basis",
        "Relationships and mandates have a legal basis",
        "Relations et mandats ont une base juridique",
        "Relationships of command, administration, oversight, audit, funding, jurisdiction and appointment, and "
        "the mandates of statutory bodies, should cite their legal basis." + STATUTORY_ONLY_EN,
        "Les relations de commandement, d’administration, de contrôle, d’audit, de financement, de compétence et "
        "de nomination, et les mandats des organes statutaires, doivent citer leur base juridique." + STATUTORY_ONLY_FR,
        "rule_of_law",
        "internal_security_roles",
        "low",
        legal_basis,
        (
            _kinds(
                "Relationships that need one",
                "Relations qui en exigent une",
                "relationship_types",
                ("commands", "administers", "oversees", "audits", "funds", "adjudicates", "appoints"),
            ),
            _kinds(
                "Families whose mandates need one",
                "Familles dont les mandats en exigent une",
                "mandate_families",
                (SECURITY, taxonomy.JUSTICE),
            ),
        ),
    ),
    Rule(
        "military-courts",
        "Military courts try the military only",
        "Les juridictions militaires ne jugent que les militaires",
        "A military court with jurisdiction over actors outside the security forces (civilians, media, civil "
        "society) undermines fair trial." + EVERY_ACTOR_EN,
        "Une juridiction militaire compétente à l’égard d’acteurs extérieurs aux forces de sécurité (civils, "
        "médias, société civile) porte atteinte au procès équitable." + EVERY_ACTOR_FR,
        "rule_of_law",
        "justice",
        "medium",
        military_courts,
    ),
    Rule(
        "oversight-independence",
        "Oversight bodies are not commanded",
        "Les organes de contrôle ne sont pas commandés",
        "Parliament, audit bodies, inspectorates, ombudsmen and independent authorities lose their purpose when "
        "the executive or a security force commands them." + EVERY_ACTOR_EN,
        "Parlement, organes de contrôle des comptes, inspections, médiateurs et autorités indépendantes perdent "
        "leur raison d’être quand l’exécutif ou une force de sécurité les commande." + EVERY_ACTOR_FR,
        "democratic_oversight",
        "civilian_oversight",
        "high",
        oversight_independence,
        (
            _kinds(
                "Oversight bodies",
                "Organes de contrôle",
                "oversight_kinds",
                ("court_of_accounts", "inspectorate", "independent_authority", "ombudsman", "human_rights_commission"),
            ),
        ),
    ),
    Rule(
        "non-statutory-forces",
        "Statutory forces do not rely on non-statutory armed actors",
        "Les forces statutaires ne s’appuient pas sur des acteurs armés non statutaires",
        "Commanding, administering or coordinating with armed actors outside the law blurs accountability for "
        "the use of force. This is the rule that reads non-statutory actors, which the rules on what a body owes by "
        "law leave out.",
        "Commander, administrer des acteurs armés hors du cadre légal, ou se coordonner avec eux, brouille la "
        "responsabilité dans l’usage de la force. C’est la règle qui examine les acteurs non statutaires, que les "
        "règles sur ce qu’un organe doit à la loi laissent de côté.",
        "accountable_forces",
        "democratic_forces",
        "medium",
        non_statutory_forces,
        (
            _kinds(
                "Relationships that count",
                "Relations retenues",
                "relationship_types",
                ("commands", "administers", "coordinates_with", "funds"),
            ),
        ),
    ),
)

RULE_BY_CODE = {rule.code: rule for rule in RULES}
