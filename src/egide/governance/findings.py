"""What the rules return: findings and the evidence they rest on, as plain data."""

from typing import NamedTuple

from egide.governance.graph import Graph, Step, weakest


class Evidence(NamedTuple):
    """One piece of evidence: a chain that was found, a link that is missing, or a fact about a record. A named
    tuple, immutable (`_replace` makes a changed copy), for the same reason as `Step`: a rule may make tens of
    thousands, and the shared cache writes each.

    `message` names a text in egide.governance.texts; `subjects` are the actors it speaks of, `steps` the chain
    (top down) and `edges` the relationships it relies on. `searched` is, for a missing link, the chain above the
    subject that was searched in vain (nearest first), so that the words can name every body on it; it is part of
    what the reader must be able to see, not of what the finding's confidence rests on.
    """

    kind: str  # "path", "missing", "edge" or "fact"
    message: str
    subjects: tuple[int, ...] = ()
    steps: tuple[Step, ...] = ()
    edges: tuple[int, ...] = ()
    detail: str = ""
    searched: tuple[Step, ...] = ()

    @property
    def searched_ids(self) -> tuple[set[int], set[int]]:
        """The actors and relationships of the chain searched."""
        nodes = {step.upper for step in self.searched}
        edges = {step.edge.id for step in self.searched if step.edge is not None}
        return nodes, edges

    @property
    def node_ids(self) -> set[int]:
        ids = set(self.subjects)
        for step in self.steps:
            ids.update((step.upper, step.lower))
        return ids

    @property
    def edge_ids(self) -> set[int]:
        ids = set(self.edges)
        ids.update(step.edge.id for step in self.steps if step.edge is not None)
        return ids


class Finding(NamedTuple):
    """A rule's conclusion. A named tuple, immutable (`_replace` makes a changed copy), as `Evidence` is."""

    rule: str
    key: str  # stable across dates and recomputations: the rule and the references of the actors concerned
    subjects: tuple[int, ...]
    evidence: tuple[Evidence, ...]
    confidence: str
    severity: str = ""
    principle: str = ""
    area: str = ""
    references: tuple[str, ...] = ()

    @property
    def node_ids(self) -> set[int]:
        ids = set(self.subjects)
        for item in self.evidence:
            ids |= item.node_ids
        return ids

    @property
    def edge_ids(self) -> set[int]:
        ids: set[int] = set()
        for item in self.evidence:
            ids |= item.edge_ids
        return ids

    @property
    def searched_ids(self) -> tuple[set[int], set[int]]:
        nodes: set[int] = set()
        edges: set[int] = set()
        for item in self.evidence:
            found_nodes, found_edges = item.searched_ids
            nodes |= found_nodes
            edges |= found_edges
        return nodes, edges


def finding(graph: Graph, rule: str, subjects: list[int], evidence: list[Evidence], *, extra_key: str = "") -> Finding:
    """A finding whose confidence is that of the weakest fact it rests on: the actors concerned and every
    relationship and actor in its evidence."""
    # Written out rather than through the evidence's `node_ids` and `edge_ids`: a rule may make tens of thousands.
    nodes, edges = graph.nodes, graph.edge_by_id
    node_ids = set(subjects)
    edge_ids: set[int] = set()
    for item in evidence:
        node_ids.update(item.subjects)
        edge_ids.update(item.edges)
        for step in item.steps:
            node_ids.add(step.upper)
            node_ids.add(step.lower)
            if step.edge is not None:
                edge_ids.add(step.edge.id)
    levels = {nodes[node].confidence for node in node_ids if node in nodes}
    levels.update(edges[edge].confidence for edge in edge_ids if edge in edges)
    references = tuple(sorted([nodes[node].reference for node in subjects]))
    key = f"{rule}:{'+'.join(references)}:{extra_key}" if extra_key else f"{rule}:{'+'.join(references)}"
    return Finding(
        rule=rule,
        key=key,
        subjects=tuple(subjects),
        evidence=tuple(evidence),
        confidence=weakest(levels),
        references=references,
    )
