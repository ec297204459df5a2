"""Small graphs built by hand for the rule tests, and a model country on which no rule finds anything."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate
from egide.governance.engine import run
from egide.governance.findings import Finding
from egide.governance.graph import Edge, Graph, Node
from egide.governance.rules import RULE_BY_CODE


@dataclass
class Builder:
    """Nodes are named by their reference; every node has a mandate and every edge a legal basis unless told
    otherwise, so that only what a test is about can be missing."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def node(self, reference: str, kind: str, *, parent: str | None = None, **fields: Any) -> "Builder":
        fields.setdefault("has_mandate", True)
        self.nodes[reference] = Node(
            id=max((node.id for node in self.nodes.values()), default=0) + 1,
            reference=reference,
            name=reference.title(),
            family=taxonomy.KIND_BY_CODE[kind].family,
            kind=kind,
            parent=self.nodes[parent].id if parent else None,
            **fields,
        )
        return self

    def edge(self, source: str, type: str, target: str, **fields: Any) -> "Builder":
        fields.setdefault("legal_basis", "Law 1/2020")
        for name in ("start", "end"):
            if isinstance(fields.get(name), str):
                fields[name] = FuzzyDate.parse(fields[name])
        self.edges.append(
            Edge(
                id=max((edge.id for edge in self.edges), default=1000) + 1,
                source=self.nodes[source].id,
                target=self.nodes[target].id,
                type=type,
                **fields,
            )
        )
        return self

    def without(self, source: str, type: str, target: str) -> "Builder":
        """Remove an edge; the test fails if there was none."""
        wanted = (self.nodes[source].id, type, self.nodes[target].id)
        kept = [edge for edge in self.edges if (edge.source, edge.type, edge.target) != wanted]
        assert len(kept) == len(self.edges) - 1, f"no edge {source} {type} {target}"
        self.edges = kept
        return self

    def without_node(self, reference: str) -> "Builder":
        removed = self.nodes.pop(reference)
        self.edges = [edge for edge in self.edges if removed.id not in (edge.source, edge.target)]
        return self

    def change(self, reference: str, **fields: Any) -> "Builder":
        self.nodes[reference] = self.nodes[reference]._replace(**fields)
        return self

    def id(self, reference: str) -> int:
        return self.nodes[reference].id

    def graph(self) -> Graph:
        return Graph.build(self.nodes.values(), self.edges)


def model_country() -> Builder:
    """A small, well-governed security system: every rule passes on it."""
    b = Builder()
    b.node("PRES", "head_of_state").node("GOV", "government")
    for reference, kind in (
        ("MOD", "ministry_of_defence"),
        ("MOI", "ministry_of_interior"),
        ("MOF", "ministry_of_finance"),
        ("MOJ", "ministry_of_justice"),
    ):
        b.node(reference, kind, parent="GOV")
    b.node("PARL", "parliament").node("DEFCOM", "defence_committee", parent="PARL")
    b.node("AUDIT", "court_of_accounts")
    b.node("ARMY", "armed_forces").node("GUARD", "presidential_guard").node("POLICE", "police")
    b.node("INTEL", "civilian_intelligence").node("BORDER", "border_guard").node("CUSTOMS", "customs")
    b.node("PRISONS", "prison_service").node("COURT", "court")
    b.node("PROSEC", "prosecution", parent="COURT").node("MILCOURT", "military_court", parent="COURT")
    b.node("OMB", "ombudsman").node("MEDIA", "media", statutory=False).node("LEAGUE", "civil_society", statutory=False)
    b.edge("PRES", "appoints", "GOV")
    b.edge("MOD", "administers", "ARMY").edge("MOD", "administers", "GUARD")
    b.edge("MOI", "administers", "POLICE").edge("MOI", "administers", "BORDER")
    b.edge("MOF", "administers", "CUSTOMS").edge("MOJ", "administers", "PRISONS")
    b.edge("GOV", "administers", "INTEL")
    b.edge("PARL", "oversees", "GOV").edge("DEFCOM", "oversees", "INTEL")
    b.edge("PARL", "funds", "GOV").edge("PARL", "funds", "COURT").edge("PARL", "funds", "OMB")
    b.edge("AUDIT", "audits", "GOV").edge("AUDIT", "audits", "COURT").edge("AUDIT", "audits", "OMB")
    b.edge("COURT", "adjudicates", "GOV").edge("MILCOURT", "adjudicates", "ARMY")
    b.edge("OMB", "scrutinises", "POLICE").edge("MEDIA", "scrutinises", "ARMY").edge("LEAGUE", "scrutinises", "POLICE")
    b.edge("BORDER", "coordinates_with", "CUSTOMS")
    return b


def findings(
    graph: Graph | Builder,
    rule: str,
    *,
    as_of: datetime.date | None = None,
    **parameters: Iterable[str] | bool,
) -> list[Finding]:
    """One rule's findings, with some of its parameters changed."""
    if isinstance(graph, Builder):
        graph = graph.graph()
    overrides: Mapping[str, Mapping[str, Any]] = {rule: parameters}
    return run(graph, as_of=as_of, overrides=overrides, rules=[RULE_BY_CODE[rule]])


def keys(graph: Graph | Builder, rule: str, *, as_of: datetime.date | None = None, **parameters: Any) -> set[str]:
    return {item.key for item in findings(graph, rule, as_of=as_of, **parameters)}
