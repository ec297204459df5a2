"""The command tree's shape, on plain graphs (no database)."""

from egide.governance.graph import Edge, Graph, Node
from egide.maps.tree import PART_OF, command_tree


def node(id: int, kind: str, name: str, parent: int | None = None, family: str = "management") -> Node:
    return Node(id=id, reference=f"R{id}", name=name, family=family, kind=kind, parent=parent)


def edge(id: int, source: int, target: int, type: str) -> Edge:
    return Edge(id=id, source=source, target=target, type=type)


def names(branches: list) -> list[str]:
    return [branch.node.name for branch in branches]


def test_the_tree_hangs_from_the_executive_along_command_administration_and_hierarchy() -> None:
    graph = Graph.build(
        [
            node(1, "head_of_state", "President"),
            node(2, "ministry_of_defence", "Defence", parent=1),
            node(3, "armed_forces", "Army", family="security_providers"),
            node(4, "police", "Police", family="security_providers"),
            node(5, "ministry_of_interior", "Interior"),
            node(6, "parliament", "Assembly", family="supervisory"),
        ],
        [
            edge(1, 2, 3, "administers"),
            edge(2, 1, 3, "commands"),
            edge(3, 5, 4, "administers"),
            edge(4, 6, 2, "oversees"),  # oversight is not a chain of command
            edge(5, 5, 6, "reports_to"),  # nor is reporting
        ],
    )
    tree = command_tree(graph)
    assert names(tree.executive) == ["President"]
    president = tree.executive[0]
    # Commands comes before the hierarchy; the army is reached first by command, and its ministry is named beside.
    assert [(branch.node.name, branch.link) for branch in president.below] == [
        ("Army", "commands"),
        ("Defence", PART_OF),
    ]
    army = president.below[0]
    assert [(other.name, link) for other, link in army.others] == [("Defence", "administers")]
    assert president.below[1].below == []  # the army is placed once
    # The interior's chain does not reach the executive: a tree of its own.
    assert names(tree.other_chains) == ["Interior"]
    assert [(branch.node.name, branch.link) for branch in tree.other_chains[0].below] == [("Police", "administers")]
    assert [item.name for item in tree.outside] == ["Assembly"]
    assert tree.placed == 5


def test_a_cycle_with_no_top_is_still_drawn_once_each() -> None:
    graph = Graph.build(
        [node(1, "police", "A"), node(2, "police", "B"), node(3, "police", "C")],
        [edge(1, 1, 2, "commands"), edge(2, 2, 3, "commands"), edge(3, 3, 1, "commands")],
    )
    tree = command_tree(graph)
    assert tree.executive == []
    assert names(tree.other_chains) == ["A"]
    assert names(tree.other_chains[0].below) == ["B"]
    assert names(tree.other_chains[0].below[0].below) == ["C"]
    assert tree.placed == 3


def test_an_empty_map_has_an_empty_tree() -> None:
    tree = command_tree(Graph.build([], []))
    assert (tree.executive, tree.other_chains, tree.outside, tree.placed) == ([], [], [], 0)
