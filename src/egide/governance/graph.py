"""A country's security system as a plain graph, for the governance rules: no ORM, no Django.

Edges point from the actor that acts to the actor acted upon (the ministry *administers* the police). The
"chain" of an actor is what is above it: who commands or administers it, and its parent in the hierarchy.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from egide.core.fuzzy_dates import FuzzyDate, held_on

CHAIN_TYPES = frozenset({"commands", "administers"})
# "A reports to B" puts B above A, the other way round from the edge.
REPORTING_TYPES = frozenset({"reports_to"})
CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}
# A named tuple made from its fields in order without its generated `__new__` (a Python function): where a loop
# makes one per actor or relationship.
new = tuple.__new__
_ID = attrgetter("id")


class Node(NamedTuple):
    """An actor. A named tuple, immutable (`_replace` makes a changed copy), as `Edge` is."""

    id: int
    reference: str
    name: str
    family: str
    kind: str
    statutory: bool = True
    legitimacy_disputed: bool = False
    has_mandate: bool = False
    parent: int | None = None
    confidence: str = "medium"
    sources: tuple[str, ...] = ()
    article_fr: str = ""  # how French writes the name: le, la, l, les, none (no article) or "" (not said)


class Edge(NamedTuple):
    """A relationship. A named tuple rather than a frozen dataclass, immutable all the same: a map's 50,000 are made
    (and written to the shared cache) three to four times faster. Build it with its fields' names or in their
    order; `Edge._make(row)` from a row in that order."""

    id: int
    source: int
    target: int
    type: str
    legal_basis: str = ""
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    ongoing: bool = True
    confidence: str = "medium"
    sources: tuple[str, ...] = ()

    def valid_on(self, day: datetime.date) -> bool:
        """Whether the relationship held on that day; an imprecise date counts for its whole year or month. One
        that has ended on an unknown date cannot be placed in time, and is left out of every dated view."""
        return held_on(day, start=self.start, end=self.end, ongoing=self.ongoing)


class Step(NamedTuple):
    """One link of a chain: an edge, or the hierarchy (a child and its parent), from `upper` to `lower`. A named
    tuple, immutable, for the same reason as `Edge`: the searches make one per actor reached."""

    upper: int
    lower: int
    edge: Edge | None = None


class Reach:
    """The nodes below some starting ones. For each node only the step just above it is kept, and a chain is
    rebuilt when a rule asks for one: keeping every node's whole chain would cost nodes × depth."""

    __slots__ = ("above", "origin")

    def __init__(self, origin: Mapping[int, tuple[Step, ...]]) -> None:
        self.origin: dict[int, tuple[Step, ...]] = dict(origin)
        self.above: dict[int, Step] = {}

    def __contains__(self, node: object) -> bool:
        return node in self.origin or node in self.above

    def __iter__(self) -> Iterator[int]:
        yield from self.origin
        yield from self.above

    def is_start(self, node: int) -> bool:
        return node in self.origin

    def path(self, node: int) -> tuple[Step, ...]:
        """The chain that reaches the node, from the top down, starting with its origin's own evidence."""
        steps: list[Step] = []
        while node not in self.origin:
            step = self.above[node]
            steps.append(step)
            node = step.upper
        return (*self.origin[node], *reversed(steps))


@dataclass(slots=True)
class Graph:
    nodes: dict[int, Node]
    edges: list[Edge]
    incoming: dict[int, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    outgoing: dict[int, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    edge_by_id: dict[int, Edge] = field(default_factory=dict)
    # What rules compute more than once on the same graph (the same reach), kept for the graph's lifetime.
    memo: dict[object, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Written with local names: a large map's graph is indexed three times by a run (whole, dated, named).
        nodes, edges, incoming, outgoing, children = self.nodes, self.edges, self.incoming, self.outgoing, self.children
        self.edge_by_id.update(zip(map(_ID, edges), edges, strict=True))
        for edge in edges:
            source, target = edge.source, edge.target
            if source in nodes and target in nodes:
                incoming[target].append(edge)
                outgoing[source].append(edge)
        for node in nodes.values():
            parent = node.parent
            if parent is not None and parent in nodes:
                children[parent].append(node.id)

    @classmethod
    def build(cls, nodes: Iterable[Node], edges: Iterable[Edge]) -> "Graph":
        return cls(nodes={node.id: node for node in nodes}, edges=list(edges))

    def restricted_to(self, *, nodes: set[int], edges: set[int]) -> "Graph":
        """The part of the graph made of these nodes and edges: an edge goes with either end, a parent outside is
        forgotten. What a reader may see, to compute their findings on."""
        kept = {
            node.id: node if node.parent is None or node.parent in nodes else node._replace(parent=None)
            for node in self.nodes.values()
            if node.id in nodes
        }
        return Graph(
            nodes=kept,
            edges=[edge for edge in self.edges if edge.id in edges and edge.source in kept and edge.target in kept],
        )

    def on(self, day: datetime.date) -> "Graph":
        """The graph as it stood on a day: only the relationships valid then."""
        # `Edge.valid_on` (egide.core.fuzzy_dates.held_on) without a call for each of a large map's edges that have
        # no dates: those hold while they are ongoing.
        return Graph(
            nodes=self.nodes,
            edges=[
                edge
                for edge in self.edges
                if (edge.ongoing if edge.start is None and edge.end is None else edge.valid_on(day))
            ],
        )

    def of_kinds(self, kinds: Iterable[str]) -> list[Node]:
        wanted = frozenset(kinds)
        return [node for node in self.nodes.values() if node.kind in wanted]

    def of_family(self, family: str) -> list[Node]:
        return [node for node in self.nodes.values() if node.family == family]

    def edges_in(self, node: int, types: Iterable[str]) -> list[Edge]:
        wanted = frozenset(types)
        return [edge for edge in self.incoming.get(node, ()) if edge.type in wanted]

    def _links(self, key: str) -> dict[int, list[tuple[int, Edge | None]]]:
        """For each node, the nodes one step below it ("down") or above it ("up") in a chain, with the edge of
        that step (None for the hierarchy), in the order the searches take them: the commanding and
        administering edges, then the reporting ones, then the hierarchy. Built once per graph, so that each
        search reads only the links of a chain rather than every edge of every node it passes."""
        found = self.memo.get(("links", key))
        if found is None:
            down: dict[int, list[tuple[int, Edge | None]]] = defaultdict(list)
            up: dict[int, list[tuple[int, Edge | None]]] = defaultdict(list)
            nodes = self.nodes
            for node in nodes:
                for edge in self.outgoing.get(node, ()):
                    if edge.type in CHAIN_TYPES:
                        down[node].append((edge.target, edge))
                for edge in self.incoming.get(node, ()):
                    if edge.type in REPORTING_TYPES:
                        down[node].append((edge.source, edge))
                down[node].extend((child, None) for child in self.children.get(node, ()))
                for edge in self.incoming.get(node, ()):
                    if edge.type in CHAIN_TYPES:
                        up[node].append((edge.source, edge))
                for edge in self.outgoing.get(node, ()):
                    if edge.type in REPORTING_TYPES:
                        up[node].append((edge.target, edge))
                parent = nodes[node].parent
                if parent is not None and parent in nodes:
                    up[node].append((parent, None))
            self.memo[("links", "down")] = dict(down)
            self.memo[("links", "up")] = dict(up)
            found = self.memo[("links", key)]
        return found  # type: ignore[return-value]

    def reach_down(self, starts: Mapping[int, tuple[Step, ...]]) -> Reach:
        """Every node below the starting ones, breadth first (so each chain is the shortest). A starting node's
        own entry is the evidence that put it there (for instance the oversight edge). Linear in the size of
        the graph: a step object is made only for a node reached for the first time."""
        reach = Reach(starts)
        origin, above = reach.origin, reach.above
        down = self._links("down")
        queue = list(starts)
        for current in queue:
            for lower, edge in down.get(current, ()):
                if lower not in origin and lower not in above:
                    above[lower] = new(Step, (current, lower, edge))
                    queue.append(lower)
        return reach

    def above(self, node: int) -> tuple[Step, ...]:
        """The chain above a node, nearest first: who commands or administers it, whom it reports to, its parent,
        and so on up. What a rule searched before it said that nothing above the node does something."""
        steps: list[Step] = []
        seen = {node}
        queue = [node]
        up = self._links("up")
        for current in queue:
            for upper, edge in up.get(current, ()):
                if upper not in seen:
                    seen.add(upper)
                    steps.append(new(Step, (upper, current, edge)))
                    queue.append(upper)
        return tuple(steps)

    def remembered(self, key: object, compute: "Callable[[], Reach]") -> Reach:
        """A reach computed once per graph, however many rules ask for it."""
        if key not in self.memo:
            self.memo[key] = compute()
        found = self.memo[key]
        assert isinstance(found, Reach)
        return found


def weakest(confidences: Iterable[str]) -> str:
    """The lowest confidence among the facts a conclusion rests on."""
    levels = list(confidences)
    if not levels:
        return "medium"
    # The first of the lowest in CONFIDENCE_ORDER (a level it does not name counts as "medium"), without a key
    # function called for each: "low" if any, else the first that is not "high", else "high".
    if "low" in levels:
        return "low"
    for level in levels:
        if level != "high":
            return level
    return levels[0]
