"""The command tree: a country's chains of command and administration drawn as an organisation chart. Pure: it
reads a governance graph (egide.governance.graph), no ORM.

A link of the tree is a link of command or administration, as the governance rules read chains: A commands or
administers B, or B is part of A (the hierarchy); A stands above B. Reporting ("B reports to A") is accountability,
not command, and is left to the map. The tree starts from the top executive (a head of state, else a government:
the actors that nobody stands above), and each actor is placed once, under the superior by which it is reached
first going down breadth first (so along its shortest chain), commands before administers before the hierarchy;
its other superiors are named beside it. Chains that do not reach up to the executive follow as trees of their
own, and the actors in no chain are listed apart.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from egide.governance.graph import CHAIN_TYPES, Graph, Node

PART_OF = "part_of"  # the link of an actor to its parent in the hierarchy
# The top executive, in the order its kinds are looked for; then the other management bodies come first.
EXECUTIVE_KINDS = ("head_of_state", "government")
LINK_ORDER = {"commands": 0, "administers": 1, PART_OF: 2}


@dataclass(slots=True)
class Branch:
    node: Node
    link: str = ""  # how the actor hangs from the one above: commands, administers or part_of
    others: list[tuple[Node, str]] = field(default_factory=list)  # its other superiors, with their links
    below: list["Branch"] = field(default_factory=list)

    def size(self) -> int:
        return 1 + sum(branch.size() for branch in self.below)


@dataclass(slots=True)
class CommandTree:
    executive: list[Branch]  # the trees from the top executive
    other_chains: list[Branch]  # chains that do not reach the executive
    outside: list[Node]  # actors in no chain

    @property
    def placed(self) -> int:
        return sum(branch.size() for branch in (*self.executive, *self.other_chains))


def superiors(graph: Graph) -> dict[int, list[tuple[int, str]]]:
    """For each actor, who stands directly above it in a chain, and by which link."""
    above: dict[int, list[tuple[int, str]]] = {node: [] for node in graph.nodes}
    for edge in graph.edges:
        if edge.source not in graph.nodes or edge.target not in graph.nodes or edge.source == edge.target:
            continue
        if edge.type in CHAIN_TYPES:
            above[edge.target].append((edge.source, edge.type))
    for node in graph.nodes.values():
        if node.parent is not None and node.parent in graph.nodes and node.parent != node.id:
            above[node.id].append((node.parent, PART_OF))
    return above


def _order(nodes: Iterable[Node]) -> list[Node]:
    return sorted(nodes, key=lambda node: (node.name.casefold(), node.id))


def command_tree(graph: Graph) -> CommandTree:
    """The organisation chart of the graph (already restricted to what the reader sees, on the chosen day)."""
    above = superiors(graph)
    below: dict[int, list[tuple[int, str]]] = {node: [] for node in graph.nodes}
    for lower, uppers in above.items():
        for upper, link in uppers:
            below[upper].append((lower, link))
    for lowers in below.values():
        lowers.sort(key=lambda item: (LINK_ORDER.get(item[1], 9), graph.nodes[item[0]].name.casefold(), item[0]))
    in_chain = [node for node in graph.nodes.values() if above[node.id] or below[node.id]]
    tops = [node for node in in_chain if not above[node.id]]
    executive = [node for kind in EXECUTIVE_KINDS for node in _order(n for n in tops if n.kind == kind)]
    placed: dict[int, Branch] = {}
    upper_of: dict[int, int] = {}

    def grow(roots: list[Node]) -> list[Branch]:
        branches = []
        queue: list[Branch] = []
        for root in roots:
            if root.id in placed:
                continue
            branch = Branch(node=root)
            placed[root.id] = branch
            branches.append(branch)
            queue.append(branch)
        for current in queue:
            for lower, link in below[current.node.id]:
                if lower in placed:
                    continue
                child = Branch(node=graph.nodes[lower], link=link)
                placed[lower] = child
                upper_of[lower] = current.node.id
                current.below.append(child)
                queue.append(child)
        return branches

    trees = grow(executive)
    # The other chains: from their tops (management bodies first), then whatever a cycle left unplaced.
    rest = sorted(
        (node for node in tops if node.id not in placed),
        key=lambda node: (node.family != "management", node.name.casefold(), node.id),
    )
    others = grow(rest)
    for node in _order(n for n in in_chain if n.id not in placed):
        others.extend(grow([node]))
    for node_id, branch in placed.items():
        branch.others = [(graph.nodes[upper], link) for upper, link in above[node_id] if upper != upper_of.get(node_id)]
    outside = _order(node for node in graph.nodes.values() if node.id not in placed)
    return CommandTree(executive=trees, other_chains=others, outside=outside)
